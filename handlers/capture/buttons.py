"""登记 files the proposal as exactly the ticket 报修 would open, through the same code (the
tickets area's filing, reached by the `ReportFiler` port in Deps: same assignment, card in the
chat the sentence was written in, the assignee told directly), with the category and
severity the card showed; 不用了 drops it. A second press, or a press on another copy, only
says how it ended."""
from __future__ import annotations

from domain.capture import proposals
from domain.enums import Category, Severity
from domain.errors import InvalidInput
from domain.store.models import Project, ReportDraft, Ticket
from domain.tickets import drafts
from domain.tickets.records import Origin
from handlers.capture.cards import proposal_key
from handlers.chat.cards import Button, Card, Markdown
from handlers.chat.context import Ctx


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
    """Through the tickets area's filing (the `ReportFiler` port): the card goes to the chat
    the sentence was written in, as for 报修 made there."""
    if ctx.deps.filer is None:
        raise RuntimeError("Deps.filer is not wired (handlers/registry.py builds it)")
    ticket = await ctx.deps.filer.file(ctx, project, draft.text, drafts.attachments_of(draft),
                                       Origin(draft.platform, draft.chat_id, draft.source_message_id),
                                       category=category,
                                       severity=severity)
    draft.ticket_id = ticket.id
    return ticket


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

