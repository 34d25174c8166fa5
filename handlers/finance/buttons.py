"""Payment buttons: the milestone picker (选这个), the overpayment confirm (确认) and cancel."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from domain.errors import InvalidInput
from domain.inputs import record_id
from handlers.chat.context import Ctx
from handlers.finance.commands import record_chosen


def _button_value(value: dict) -> tuple[int, int, Decimal, str, str | None]:
    """The amount is checked where every payment's is (record_payment): NaN, 1E+999999 …"""
    try:
        amount = Decimal(str(value["a"]))
        project_id, milestone_id = record_id(str(value["p"])), record_id(str(value["m"]))
        if project_id is None or milestone_id is None:
            raise ValueError("not an id")
        return project_id, milestone_id, amount, str(value["r"]), value.get("n") or None
    except (KeyError, TypeError, ValueError, InvalidOperation):
        raise InvalidInput("error.stale_button") from None


async def on_pick(ctx: Ctx, value: dict) -> None:
    project_id, milestone_id, amount, ref, note = _button_value(value)
    project = await ctx.tx.projects.get(project_id)
    if project is None:
        raise InvalidInput("error.stale_button")
    await record_chosen(ctx, project, amount, ref, note, milestone_id, False)


async def on_confirm(ctx: Ctx, value: dict) -> None:
    project_id, milestone_id, amount, ref, note = _button_value(value)
    project = await ctx.tx.projects.get(project_id)
    if project is None:
        raise InvalidInput("error.stale_button")
    await record_chosen(ctx, project, amount, ref, note, milestone_id, True)


async def on_cancel(ctx: Ctx, value: dict) -> None:
    ctx.toast(ctx.t("finance.over.cancelled"))
