"""The project card's buttons: how to go on with the plan, the contract, the groups; the plan."""
from __future__ import annotations

from domain.errors import InvalidInput
from domain.store.models import Project
from handlers.chat.context import Ctx
from handlers.setup.people import staff_here
from handlers.setup.plan_cards import plan_card

_STEPS = ("plan", "contract", "groups")


async def _project(ctx: Ctx, value: dict) -> Project:
    try:
        project = await ctx.tx.projects.get(int(value["p"]))
    except (KeyError, TypeError, ValueError):
        project = None
    if project is None:
        raise InvalidInput("error.stale_button")
    return project


async def on_guide(ctx: Ctx, value: dict) -> None:
    """Says, with the project's code filled in, what to send for the next step."""
    project = await _project(ctx, value)
    step = value.get("step")
    if step not in _STEPS:
        raise InvalidInput("error.stale_button")
    if not await staff_here(ctx):
        return
    ctx.say(ctx.t(f"setup.guide.{step}", code=project.code))
    ctx.toast(ctx.t("setup.guide.toast"))


async def on_plan(ctx: Ctx, value: dict) -> None:
    project = await _project(ctx, value)
    if not await staff_here(ctx):
        return
    ctx.show(await plan_card(ctx.tx, ctx.deps, project, ctx.locale))
