"""已解决 asks what was done (issue 16). Pressing 已解决 (or `解决 T-12`) asks the resolver, in
that chat, for a note and/or photos; their next message there within the window is taken
(`跳过` gives none; `解决 T-12 更换了防水层` gives it at once). Only then is the confirmer asked,
with the card that shows the note and photo count, so they read it before pressing 确认解决;
when nothing comes in time the job `tickets.resolution_asks` asks them anyway (the card says no
note was given)."""
from __future__ import annotations

import re

from domain.enums import TicketStatus
from domain.errors import NotFound
from domain.inputs import record_id
from domain.store.models import Person, Ticket
from domain.store.models.resolutions import TicketResolution
from domain.store.repos.resolutions import resolutions_repo
from domain.store.uow import Tx
from domain.tickets import resolution, service
from domain.tickets.records import SCHEDULER, NewAttachment, Policy
from handlers.chat.answer import Answer
from handlers.chat.cards import Markdown
from handlers.chat.context import Ctx, Deps
from handlers.chat.contract import Text
from handlers.chat.jobs import Effect, JobDef, JobRunner

# Words that say "no note" (read, not shown: the wording is in tickets.toml).
SKIP_WORDS = frozenset({"跳过", "略过", "不填", "无", "skip", "none", "no note"})
_RESOLVE = re.compile(r"^\s*(?:T-?)?(\d+)\s*[，,：:]?\s*(.*)$", re.IGNORECASE | re.DOTALL)


def _minutes(deps: Deps) -> int:
    return deps.rules.attach_window_minutes


def _attachments(ctx: Ctx) -> list[NewAttachment]:
    if ctx.is_click:
        return []
    return [NewAttachment(a.kind, a.ref, {"name": a.name} if a.name else {})
            for a in ctx.message.attachments if a.kind == "image"]


async def resolved(ctx: Ctx, ticket_id: int, note: str = "") -> None:
    """Right after the ticket was resolved here: take the note given with it, or ask for one."""
    ticket = await ctx.tx.tickets.get(ticket_id)
    row = await resolution.ask(ctx.tx, ticket, ctx.person, ctx.origin, ctx.now, _minutes(ctx.deps))
    images = _attachments(ctx)
    if note.strip() or images:
        answered = await resolution.give(ctx.tx, ticket, row, ctx.person, note, images, ctx.now, ctx.origin)
        ctx.changed(f"ticket:{ticket.id}")
        if answered:
            await ask_confirmer(ctx, ticket, ctx.person, prefer=ctx.platform)
            return
    ctx.say(ctx.t("resolution.ask", number=ticket.number, name=ctx.person.name,
                  minutes=_minutes(ctx.deps), group=ctx.event.conversation.is_group))


async def command(ctx: Ctx, args: str) -> None:
    """解决 T-12 [what was done] — 已解决 by text; the note may come with it."""
    match = _RESOLVE.match(args)
    if not match:
        ctx.say(ctx.t("resolution.usage"))
        return
    number, note = record_id(match.group(1)), match.group(2).strip()
    if number is None:
        raise NotFound("error.ticket_not_found", number=f"T-{match.group(1)[:30]}")
    policy = Policy(ctx.deps.rules, ctx.deps.timezone)
    if await service.resolve(ctx.tx, policy, ctx.person, number, ctx.now, ctx.origin):
        ctx.changed(f"ticket:{number}")
        await resolved(ctx, number, note)
        if note:
            ctx.say(ctx.t("resolution.taken", number=f"T-{number}"))
        return
    # Already resolved: the note typed now still goes to the resolver's open ask.
    row = await resolutions_repo(ctx.tx).latest(number)
    if note and row is not None and row.resolver_id == ctx.person.id and row.state == resolution.ASKED:
        await _take(ctx, row, note, [])
        return
    ctx.say(ctx.t("ticket.toast.already_resolved"))


async def take_note(ctx: Ctx, text: str) -> bool:
    """A message no command matched: is it the note this person was asked for here?"""
    if ctx.person is None or ctx.is_click:
        return False
    conv = ctx.event.conversation
    row = await resolution.open_for(ctx.tx, ctx.person, ctx.platform, conv.chat_id, ctx.now)
    if row is None:
        return False
    images = _attachments(ctx)
    if row.state == resolution.GIVEN and not images:
        return False   # the words are in: more photos still join, anything else is conversation
    await _take(ctx, row, text, images)
    return True


async def _take(ctx: Ctx, row: TicketResolution, text: str, images: list[NewAttachment]) -> None:
    ticket = await ctx.tx.tickets.get(row.ticket_id)
    if row.state == resolution.ASKED and not images and text.strip().lower() in SKIP_WORDS:
        await resolution.skip(ctx.tx, ticket, row, ctx.person, ctx.now, ctx.origin)
        ctx.say(ctx.t("resolution.skipped", number=ticket.number, photos=row.photos))
        answered = True
    else:
        answered = await resolution.give(ctx.tx, ticket, row, ctx.person, text, images, ctx.now, ctx.origin)
        ctx.say(ctx.t("resolution.taken", number=ticket.number) if text.strip() else
                ctx.t("resolution.photos_taken", number=ticket.number, count=row.photos,
                      more=row.state == resolution.ASKED))
    ctx.changed(f"ticket:{ticket.id}")
    if answered:
        await ask_confirmer(ctx, ticket, ctx.person, prefer=ctx.platform)


async def ask_confirmer(answer: Answer, ticket: Ticket, resolver: Person | None,
                        prefer: str | None) -> None:
    """The confirmer (reporter, or the customer contact) is asked with the live card, which
    now shows what was done. Not when they resolved it themselves, or it is settled already."""
    if ticket.status != TicketStatus.RESOLVED:
        return
    confirmer = await answer.tx.people.get(ticket.confirmer_id or ticket.reporter_id)
    if confirmer is None or (resolver is not None and confirmer.id == resolver.id):
        return
    deps = answer.deps
    locale = confirmer.locale or deps.default_locale
    name = resolver.name if resolver else "sitebot"
    await answer.tell(confirmer, Text(deps.t(locale, "confirm.ask", number=ticket.number,
                                             title=ticket.title, name=name)), "confirm-ask", prefer)
    card = await deps.live_card(answer.tx, f"ticket:{ticket.id}", locale)
    if card is not None:
        await answer.tell(confirmer, card, "confirm-card", prefer)


def note_block(deps: Deps, locale: str, row: TicketResolution | None,
               resolver: Person | None) -> Markdown | None:
    """What the card says was done: the note and photo count, that the resolver is writing
    it, or that none was given."""
    if row is None:
        return None
    name = resolver.name if resolver else deps.t(locale, "ticket.nobody")
    if row.state == resolution.ASKED:
        return Markdown(deps.t(locale, "resolution.card.waiting", name=name, photos=row.photos))
    if row.state == resolution.GIVEN:
        return Markdown(deps.t(locale, "resolution.card.note", note=row.note or "", photos=row.photos))
    return Markdown(deps.t(locale, "resolution.card.none", skipped=row.state == resolution.SKIPPED,
                           name=name))


async def card_block(tx: Tx, deps: Deps, locale: str, ticket: Ticket) -> Markdown | None:
    """For the ticket card (handlers/tickets/cards.py): only once it is resolved or closed."""
    if ticket.status not in (TicketStatus.RESOLVED, TicketStatus.CLOSED):
        return None
    row = await resolutions_repo(tx).latest(ticket.id)
    resolver = await tx.people.get(row.resolver_id) if row is not None else None
    return note_block(deps, locale, row, resolver)


async def expire_asks(runner: JobRunner) -> int:
    """Asks nobody answered in time: the confirmer is asked all the same, once."""
    async with runner.reading() as tx:
        due = [row.id for row in await resolutions_repo(tx).unanswered(runner.clock())]
    performed = 0
    for row_id in due:
        performed += await runner.once(f"resolution-expired:{row_id}",
                                       lambda effect, row_id=row_id: _expire(effect, row_id))
    return performed


async def _expire(effect: Effect, row_id: int) -> None:
    row = await resolutions_repo(effect.tx).get(row_id)
    ticket = await effect.tx.tickets.get(row.ticket_id) if row else None
    if ticket is None or not await resolution.expire(effect.tx, ticket, row, effect.now, SCHEDULER):
        return
    effect.changed(f"ticket:{ticket.id}")
    resolver = await effect.tx.people.get(row.resolver_id)
    await ask_confirmer(effect, ticket, resolver, prefer=row.platform)


def resolution_jobs() -> list[JobDef]:
    return [JobDef("tickets.resolution_asks", 60, expire_asks)]
