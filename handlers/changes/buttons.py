"""The approval card's buttons: 同意 decides at once; 驳回 checks that the presser may decide
and asks for the reason as text (a button cannot carry free text on every platform); 撤回."""
from __future__ import annotations

from domain.changes import service
from domain.changes.service import number
from domain.errors import InvalidInput
from handlers.changes import end_date
from handlers.changes.decisions import role_names, withdraw
from handlers.chat.context import Ctx


async def on_approve(ctx: Ctx, value: dict) -> None:
    """同意: at once, or asked first when it moves the project's end date (end_date.py)."""
    await end_date.approve(ctx, _button_id(value), _button_step(value), None)


async def on_reject(ctx: Ctx, value: dict) -> None:
    """Check the presser may decide this step now, then ask for the reason."""
    change_id, seq = _button_id(value), _button_step(value)
    with role_names(ctx):
        await service.check_decision(ctx.tx, ctx.person, change_id, seq)
    ctx.toast(ctx.t("change.toast.reason_please", number=number(change_id)))
    ctx.say(ctx.t("change.reject_prompt", number=number(change_id)))


async def on_withdraw(ctx: Ctx, value: dict) -> None:
    await withdraw(ctx, _button_id(value))


def _button_id(value: dict) -> int:
    try:
        return int(value["change"])
    except (KeyError, TypeError, ValueError):
        raise InvalidInput("error.stale_button") from None


def _button_step(value: dict) -> int | None:
    try:
        return int(value["step"])
    except (KeyError, TypeError, ValueError):
        raise InvalidInput("error.stale_button") from None
