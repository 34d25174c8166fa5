"""报修 sent one-to-one by someone on several projects: a card asks which project; the pick
files the report there (`buttons.on_report_in`). The report waits as a draft so the buttons
carry only ids."""
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
