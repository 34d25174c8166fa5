"""The confirm card's buttons for a big progress change (确认 / 取消)."""
from __future__ import annotations

from domain.access import Action
from domain.progress import service
from handlers.chat.context import Ctx
from domain.access import require_on_progress
from handlers.progress.commands import tell_change, today


async def on_confirm(ctx: Ctx, value: dict) -> None:
    milestone = await ctx.tx.progress.milestone(int(value.get("milestone", 0)))
    if milestone is None:
        ctx.toast(ctx.t("error.stale_button"), "warning")
        return
    project = await ctx.tx.projects.get(milestone.project_id)
    await require_on_progress(ctx.tx, ctx.person, Action.UPDATE_PROGRESS, project.id)
    if milestone.progress != int(value.get("from", -1)):
        ctx.toast(ctx.t("progress.confirm.stale", now=milestone.progress), "warning")
        return
    change = await service.set_progress(ctx.tx, ctx.person, project, milestone, int(value["percent"]),
                                        ctx.now, today(ctx), confirmed=True)
    ctx.toast(ctx.t("progress.confirm.done"), "success")
    await tell_change(ctx, project, change)


async def on_cancel(ctx: Ctx, value: dict) -> None:
    ctx.toast(ctx.t("progress.confirm.cancelled"))


async def on_reach(ctx: Ctx, value: dict) -> None:
    """确认 on the card 完成 showed for a name matched by part."""
    try:
        milestone = await ctx.tx.progress.milestone(int(value.get("milestone", 0)))
    except (TypeError, ValueError):
        milestone = None
    if milestone is None:
        ctx.toast(ctx.t("error.stale_button"), "warning")
        return
    project = await ctx.tx.projects.get(milestone.project_id)
    await require_on_progress(ctx.tx, ctx.person, Action.UPDATE_PROGRESS, project.id)
    if milestone.actual_end is not None:
        ctx.toast(ctx.t("progress.already_reached", name=milestone.name, day=milestone.actual_end.isoformat()))
        return
    change = await service.reach(ctx.tx, ctx.person, project, milestone, ctx.now, today(ctx))
    ctx.toast(ctx.t("progress.confirm.done"), "success")
    await tell_change(ctx, project, change)
