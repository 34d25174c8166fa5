"""登记 files the proposal as exactly the ticket 报修 would open (same assignment, card in the
chat the sentence was written in, the assignee told directly), with the category and
severity the card showed; 不用了 drops it. A second press, or a press on another copy, only
says how it ended."""
from __future__ import annotations

from domain.capture import proposals
from domain.enums import Audience, Category, Severity
from domain.errors import InvalidInput
from domain.store.models import Project, ReportDraft, Ticket
from domain.tickets import drafts, service
from domain.tickets.records import Origin, Policy
from handlers.capture.cards import proposal_key
from handlers.chat.cards import Button, Card, Markdown
from handlers.chat.context import Ctx
from handlers.chat.contract import Target


def _draft_id(value: dict) -> int:
    try:
        return int(value["draft"])
    except (KeyError, TypeError, ValueError):
        raise InvalidInput("error.stale_button") from None


def _choice(kind: type[Category] | type[Severity], raw: object) -> Category | Severity | None:
    try:
        return kind(raw)
    except ValueError:
        return None   # an old card, or one without it: guessed from the text as 报修 does


async def on_file(ctx: Ctx, value: dict) -> None:
    draft_id = _draft_id(value)
    draft = await proposals.own(ctx.tx, ctx.person, draft_id)
    if draft is None:
        ctx.toast(ctx.t("capture.toast.gone"), "warning")
        ctx.changed(proposal_key(draft_id))
        return
    if draft.ticket_id is not None:
        ctx.toast(ctx.t("capture.toast.already_filed", number=f"T-{draft.ticket_id}"))
        return
    project = await _project_of(ctx, draft)
    if project is None:   # one-to-one from someone on several projects: which one?
        await _ask_project(ctx, draft)
        return
    ticket = await _file(ctx, draft, project, _choice(Category, value.get("category")),
                         _choice(Severity, value.get("severity")))
    ctx.toast(ctx.t("capture.toast.filed", number=ticket.number), "success")
    ctx.changed(proposal_key(draft.id))


async def on_dismiss(ctx: Ctx, value: dict) -> None:
    draft = await proposals.own(ctx.tx, ctx.person, _draft_id(value))
    if draft is None:
        ctx.toast(ctx.t("capture.toast.dismissed"))
        return
    if draft.ticket_id is not None:
        ctx.toast(ctx.t("capture.toast.already_filed", number=f"T-{draft.ticket_id}"))
        return
    await proposals.dismiss(ctx.tx, draft)
    ctx.toast(ctx.t("capture.toast.dismissed"), "success")
    ctx.changed(proposal_key(draft.id))


async def _file(ctx: Ctx, draft: ReportDraft, project: Project, category: Category | None,
                severity: Severity | None) -> Ticket:
    origin = Origin(draft.platform, draft.chat_id)
    ticket = await service.report(ctx.tx, Policy(ctx.deps.rules, ctx.deps.timezone), ctx.person, project,
                                  draft.text, ctx.now, origin, drafts.attachments_of(draft),
                                  category=category, severity=severity)
    draft.ticket_id = ticket.id
    card_key = f"ticket:{ticket.id}"
    ctx.post(Target(draft.platform, "chat", draft.chat_id),
             await ctx.deps.live_card(ctx.tx, card_key, ctx.locale), "ticket", ctx.locale)
    await _to_project_groups(ctx, draft, project, card_key)
    if ticket.assignee_id and ticket.assignee_id != ctx.person.id:
        assignee = await ctx.tx.people.get(ticket.assignee_id)
        dm = await ctx.deps.live_card(ctx.tx, card_key, assignee.locale or ctx.deps.default_locale)
        if not await ctx.notify(assignee, dm, key="assignee"):
            ctx.say(ctx.t("report.assignee_unreachable", name=assignee.name))
    return ticket


async def _to_project_groups(ctx: Ctx, draft: ReportDraft, project: Project, card_key: str) -> None:
    """As 报修 does (handlers/tickets/commands.py, `_to_project_groups`): a report made
    outside the project's own chats (one-to-one) is also posted, live, to the project's
    internal groups on that platform; customer groups get nothing."""
    binding = await ctx.tx.projects.binding(draft.platform, draft.chat_id) if draft.chat_id else None
    if binding is not None and binding.project_id == project.id:
        return
    locale = ctx.deps.default_locale
    for group in await ctx.tx.projects.bindings(project_id=project.id, platform=draft.platform):
        if group.audience == Audience.INTERNAL.value:
            ctx.post(Target(group.platform, "chat", group.chat_id),
                     await ctx.deps.live_card(ctx.tx, card_key, locale), f"group:{group.chat_id}", locale)


async def _project_of(ctx: Ctx, draft: ReportDraft) -> Project | None:
    binding = await ctx.tx.projects.binding(draft.platform, draft.chat_id) if draft.chat_id else None
    if binding is not None:
        return await ctx.tx.projects.get(binding.project_id)
    projects = {p.id: p for p, _ in await ctx.tx.projects.memberships_of(ctx.person.id)}
    if not projects:
        raise InvalidInput("report.no_project")
    return next(iter(projects.values())) if len(projects) == 1 else None


async def _ask_project(ctx: Ctx, draft: ReportDraft) -> None:
    """The same question 报修 asks (handlers/tickets/picker.py); its buttons file this draft."""
    projects = {p.id: p for p, _ in await ctx.tx.projects.memberships_of(ctx.person.id)}
    buttons = tuple(Button(f"{p.code} {p.name}", "ticket.report_in", {"draft": draft.id, "project": p.id})
                    for p in projects.values())
    ctx.show(Card(ctx.t("report.pick_title"), "blue",
                  (Markdown(ctx.t("report.pick_body", text=draft.text[:200])),), buttons))
    ctx.toast(ctx.t("capture.toast.pick"))

