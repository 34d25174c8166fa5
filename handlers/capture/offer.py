"""Messages no command matched, as the tickets fallback hands them over: does this read like
a problem report? Then its author gets a one-tap proposal (cards.proposal_card).

- In a bound group, nobody asked the bot: the card goes to the author directly, at most one
  such offer every few minutes per person; chatter gets nothing. A photo sent just before
  or after counts for it (they are kept together, and go on the ticket).
- Addressed to the bot (@ or one-to-one): the proposal comes at once, in the conversation."""
from __future__ import annotations

import asyncio

from domain.access import Action, allowed
from domain.capture import proposals
from domain.capture.classifier import Verdict, shared
from domain.capture.proposals import Next
from domain.enums import Severity
from domain.store.models import Project, ReportDraft
from domain.tickets.records import NewAttachment
from domain.tickets.rules import guess_severity
from handlers.capture.cards import proposal_card
from handlers.chat.context import Ctx


async def consider(ctx: Ctx, text: str, attachments: list[NewAttachment]) -> bool:
    """True when the message was taken care of here (offered, or kept for a report in the
    making); False leaves it to the caller (e.g. the short help for an addressed message).
    `attachments`: the message's photos and location, as the tickets area reads them."""
    message = ctx.message
    if message.conversation.is_group and ctx.project is None:
        return False   # a group bound to no project: nowhere to file
    rules = ctx.deps.capture
    verdict = await judge(text) if text else None
    if verdict is not None and verdict.score < rules.thresholds.lowest:
        return False   # plain chatter (most group messages): no query at all
    if not await _may_report(ctx):
        return False
    draft = await proposals.pending(ctx.tx, ctx.person, ctx.origin, ctx.now,
                                    ctx.deps.rules.attach_window_minutes)
    if verdict is None:
        return await _photos(ctx, draft, attachments)
    photos_before = draft is not None and not draft.text and bool(draft.attachments)
    step = proposals.decide(verdict, rules, photo=bool(attachments) or photos_before,
                            addressed=message.addressed)
    if step is Next.NOTHING:
        return False
    if draft is None or draft.text and await proposals.was_offered(ctx.tx, draft):
        draft = proposals.keep(ctx.tx, ctx.person, ctx.origin, text, attachments, ctx.now)
    else:   # photos sent just before, or a sentence that waited for one: this replaces it
        draft.text, draft.source_message_id = text, ctx.origin.message_ref
        proposals.add_attachments(draft, attachments)
    if step is Next.OFFER:
        await _offer(ctx, draft, verdict)
    return True


async def judge(text: str) -> Verdict:
    classifier = shared()
    if not classifier.ready:   # the first time in this process: read the built model off the event loop
        await asyncio.to_thread(classifier.load)
    return classifier.judge(text)


async def _photos(ctx: Ctx, draft: ReportDraft | None, attachments: list[NewAttachment]) -> bool:
    """Photos or a location alone. Unasked in a group they are kept for the sentence that
    may follow; after a sentence they join it, and may make it a report."""
    addressed = ctx.message.addressed
    if not attachments:
        return False
    if draft is None or not draft.text:
        if addressed:
            return False   # nothing said to attach them to: the caller explains
        if draft is None:
            proposals.keep(ctx.tx, ctx.person, ctx.origin, "", attachments, ctx.now)
        else:
            proposals.add_attachments(draft, attachments)
        return True
    proposals.add_attachments(draft, attachments)
    if await proposals.was_offered(ctx.tx, draft):
        if addressed:
            ctx.say(ctx.t("capture.photos_added"))
        return True
    verdict = await judge(draft.text)
    if proposals.decide(verdict, ctx.deps.capture, photo=True, addressed=addressed) is Next.OFFER:
        await _offer(ctx, draft, verdict)
    return True


async def _offer(ctx: Ctx, draft: ReportDraft, verdict: Verdict) -> None:
    addressed = ctx.message.addressed
    if not await proposals.claim_offer(ctx.tx, draft, ctx.person, ctx.now, ctx.deps.capture, limited=not addressed):
        return   # offered to this person a moment ago: the draft stays, silently
    severity: Severity = guess_severity(draft.text, ctx.deps.rules)   # as 报修 would
    card = proposal_card(ctx.deps, ctx.locale, draft, verdict.category, severity, await _project(ctx))
    if addressed:
        ctx.show(card)
    else:   # not to the whole group: to its author
        await ctx.notify(ctx.person, card, key="capture")


async def _may_report(ctx: Ctx) -> bool:
    if ctx.project is not None:
        return await allowed(ctx.tx, ctx.person, Action.REPORT_TICKET, project_id=ctx.project.id)
    return bool(await ctx.tx.projects.memberships_of(ctx.person.id))


async def _project(ctx: Ctx) -> Project | None:
    """Shown on the card: the group's project, or a one-to-one sender's only project."""
    if ctx.project is not None:
        return ctx.project
    projects = {p.id: p for p, _ in await ctx.tx.projects.memberships_of(ctx.person.id)}
    return next(iter(projects.values())) if len(projects) == 1 else None

