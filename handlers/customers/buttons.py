"""Opportunity card buttons: move along the funnel, won / lost, and 转为项目."""
from __future__ import annotations

from domain.customers import service
from domain.errors import InvalidInput
from handlers.chat.context import Ctx
from handlers.customers.cards import opportunity_key


def _id(value: dict) -> int:
    try:
        return int(value["o"])
    except (KeyError, TypeError, ValueError):
        raise InvalidInput("error.stale_button") from None


def _mover(to: str):  # noqa: ANN202
    async def on_move(ctx: Ctx, value: dict) -> None:
        opportunity = await service.move(ctx.tx, ctx.person, _id(value), to, ctx.now)
        ctx.toast(ctx.t(f"opportunity.toast.{to}",
                        stage=ctx.t(f"opportunity.stage.{opportunity.stage}")), "success")
        ctx.changed(opportunity_key(opportunity.id))
    return on_move


on_next, on_won, on_lost = _mover("next"), _mover("won"), _mover("lost")


async def on_to_project(ctx: Ctx, value: dict) -> None:
    project = await service.to_project(ctx.tx, ctx.person, _id(value), ctx.now)
    ctx.toast(ctx.t("opportunity.toast.project", code=project.code), "success")
    ctx.changed(opportunity_key(_id(value)))
    # The project card (the setup area's live view) says what is still to fill in.
    card = await ctx.deps.live_card(ctx.tx, f"project:{project.id}", ctx.locale)
    if card is not None:
        ctx.show(card)
