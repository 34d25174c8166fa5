"""报修 sent one-to-one by someone on several projects: a card asks which project; the pick
files the report there. The report waits as a draft so the buttons carry only ids."""
from __future__ import annotations

from domain.tickets import drafts
from domain.tickets.records import NewAttachment
from handlers.chat.cards import Button, Card, Markdown
from handlers.chat.context import Ctx


async def ask(ctx: Ctx, text: str, attachments: list[NewAttachment]) -> None:
    draft = drafts.save(ctx.tx, ctx.person, ctx.origin, text, attachments, ctx.now)
    await ctx.tx.flush()
    projects = {p.id: p for p, _ in await ctx.tx.projects.memberships_of(ctx.person.id)}
    buttons = tuple(Button(f"{p.code} {p.name}", "ticket.report_in", {"draft": draft.id, "project": p.id})
                    for p in projects.values())
    ctx.show(Card(ctx.t("report.pick_title"), "blue",
                  (Markdown(ctx.t("report.pick_body", text=text[:200] or "📷")),), buttons))


async def on_pick(ctx: Ctx, value: dict) -> None:
    from handlers.tickets.commands import file_report  # the report path lives with the other commands
    try:
        draft_id, project_id = int(value["draft"]), int(value["project"])
    except (KeyError, TypeError, ValueError):
        ctx.toast(ctx.t("error.stale_button"), "warning")
        return
    draft = await drafts.take(ctx.tx, ctx.person, draft_id)
    if draft.ticket_id is not None:  # a second press, or the other device
        ctx.toast(ctx.t("report.pick_done", number=f"T-{draft.ticket_id}"))
        return
    project = await ctx.tx.projects.get(project_id)
    if project is None:
        ctx.toast(ctx.t("error.stale_button"), "warning")
        return
    ticket = await file_report(ctx, project, draft.text, drafts.attachments_of(draft))
    draft.ticket_id = ticket.id
    ctx.toast(ctx.t("report.pick_done", number=ticket.number), "success")
