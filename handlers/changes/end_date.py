"""同意 on the last step of a change that moves the project's end date asks first (issue 16):
the card shows the planned end before and after (and that unfinished milestones and the
payments waiting on them move with it), with 确认同意 / 取消. The decision is made, with every
check again, only on 确认同意; 取消 decides nothing; a second press changes nothing."""
from __future__ import annotations

from datetime import timedelta

from domain import confirmations
from domain.changes import service
from domain.changes.service import number
from domain.store.models.confirmations import ChatConfirmation
from handlers.changes.decisions import decide, role_names
from handlers.chat.cards import Button, Card, Markdown
from handlers.chat.context import Ctx

KIND = "change_end"


async def approve(ctx: Ctx, change_id: int, seq: int | None, reason: str | None) -> None:
    """同意 (button or typed): asks first when deciding would move the project's end date."""
    with role_names(ctx):
        step = await service.check_decision(ctx.tx, ctx.person, change_id, seq)
    change = await ctx.tx.changes.get(change_id)
    last = all(s.seq <= step.seq for s in await ctx.tx.changes.steps(change_id))
    project = await ctx.tx.projects.get(change.project_id)
    if not (last and change.days_delta and project is not None and project.planned_end_date):
        await decide(ctx, change_id, seq, True, reason)
        return
    before = project.planned_end_date
    after = before + timedelta(days=change.days_delta)
    conv = ctx.event.conversation
    row = await confirmations.ask(ctx.tx, ctx.person.id, conv.platform, conv.chat_id, KIND,
                                  {"subject": number(change_id), "change": change_id,
                                   "step": step.seq, "reason": reason,
                                   "end": before.isoformat()}, ctx.now)
    value = {"ask": row.id}
    body = ctx.t("change.end.body", number=number(change_id), code=project.code,
                 before=before.isoformat(), after=after.isoformat(), days=change.days_delta)
    ctx.show(Card(ctx.t("change.end.title", number=number(change_id)), "orange", (Markdown(body),),
                  (Button(ctx.t("change.end.yes"), "change.approve_sure", value, "primary"),
                   Button(ctx.t("change.end.no"), "change.approve_cancel", value))))
    if ctx.is_click:
        ctx.toast(ctx.t("change.end.toast"))


async def on_sure(ctx: Ctx, value: dict) -> None:
    row = await _question(ctx, value)
    project = await ctx.tx.projects.get((await ctx.tx.changes.get(row.value["change"])).project_id)
    if project.planned_end_date is None or project.planned_end_date.isoformat() != row.value["end"]:
        # The end moved meanwhile (another change, a stoppage): asked again with today's dates.
        await confirmations.settle(ctx.tx, row.id, "replaced", ctx.now)
        await approve(ctx, row.value["change"], row.value["step"], row.value.get("reason"))
        ctx.toast(ctx.t("change.end.moved_meanwhile"), "warning")
        return
    if not await confirmations.settle(ctx.tx, row.id, "confirmed", ctx.now):
        ctx.toast(ctx.t("change.end.already"))
        return
    await decide(ctx, row.value["change"], row.value["step"], True, row.value.get("reason"))


async def on_cancel(ctx: Ctx, value: dict) -> None:
    row = await _question(ctx, value)
    if await confirmations.settle(ctx.tx, row.id, "cancelled", ctx.now):
        ctx.toast(ctx.t("change.end.cancelled", number=number(row.value["change"])))
    else:
        ctx.toast(ctx.t("change.end.already"))


async def _question(ctx: Ctx, value: dict) -> ChatConfirmation:
    return await confirmations.pressed(ctx.tx, value, KIND, ctx.person.id,
                                       not_yours="change.end.not_yours", already="change.end.already")
