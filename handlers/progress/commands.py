"""Progress commands: 进度 (show, or `进度 主体结构 85%` to update), 完成 基础完成, 日志 … (with
photos), and the confirm / cancel buttons for unusual progress values."""
from __future__ import annotations

import re
from datetime import date

from domain.access import Action, require_on_progress
from domain.errors import InvalidInput
from domain.progress import service
from domain.progress.digest import customer_digest
from domain.progress.logs import parse_log, write_log
from domain.progress.plan import overall_percent, views
from domain.store.models import Project
from handlers.chat.context import Ctx
from handlers.chat.scope import customer_chat, project_for
from handlers.progress.customer_news import tell_customers_reached
from handlers.progress.cards import confirm_card, reach_card, flag_line, page_link, progress_card

_SET = re.compile(r"^(.*?)\s*(-?\d{1,4})\s*[%％]?$")


def today(ctx: Ctx) -> date:
    return ctx.now.astimezone(ctx.deps.timezone).date()


async def _project(ctx: Ctx, args: str) -> tuple[Project, str]:
    # In a group not bound to a project, say how to bind it rather than guess.
    in_group = ctx.event.conversation.is_group
    project, rest, choices = await project_for(ctx, args, sender_projects=not in_group)
    if project is not None:
        return project, rest
    if in_group:
        raise InvalidInput("progress.unbound")
    if not choices:
        raise InvalidInput("progress.no_project")
    raise InvalidInput("progress.which_project", codes=" / ".join(p.code for p in choices))


async def progress(ctx: Ctx, args: str) -> None:
    """进度 [P-001] — the progress card; 进度 [P-001] <milestone> <n>% — update a milestone."""
    project, rest = await _project(ctx, args)
    if not rest:
        await require_on_progress(ctx.tx, ctx.person, Action.VIEW_PROGRESS, project.id)
        await show_progress(ctx, project)
        return
    match = _SET.match(rest)
    if not match or not match.group(1).strip():
        ctx.say(ctx.t("progress.usage"))
        return
    await require_on_progress(ctx.tx, ctx.person, Action.UPDATE_PROGRESS, project.id)
    milestone = await service.find_milestone(ctx.tx, project, match.group(1))
    try:
        change = await service.set_progress(ctx.tx, ctx.person, project, milestone,
                                            int(match.group(2)), ctx.now, today(ctx))
    except service.NeedsConfirmation as ask:
        ctx.show(confirm_card(ctx.deps, ctx.locale, ask.reason, ask.milestone, ask.percent))
        return
    await tell_change(ctx, project, change)


async def show_progress(ctx: Ctx, project: Project) -> None:
    """The customer-safe progress card; its open tickets are those the customer sees in a
    customer-facing chat, all of them for the site team."""
    customer = await customer_chat(ctx) is not None
    data = await customer_digest(ctx.tx, project, today(ctx), ctx.deps.timezone, customer_only=customer)
    ctx.show(progress_card(ctx.deps, ctx.locale, data, page_link(ctx.deps, ctx.locale, project, ctx.now),
                           ctx.now))


async def complete(ctx: Ctx, args: str) -> None:
    """完成 [P-001] <milestone> — the milestone is reached today."""
    project, rest = await _project(ctx, args)
    if not rest:
        ctx.say(ctx.t("progress.complete_usage"))
        return
    await require_on_progress(ctx.tx, ctx.person, Action.UPDATE_PROGRESS, project.id)
    milestone = await service.find_milestone(ctx.tx, project, rest)
    if milestone.actual_end is not None:
        ctx.say(ctx.t("progress.already_reached", name=milestone.name, day=milestone.actual_end.isoformat()))
        return
    if milestone.name.strip().lower() != rest.strip().lower():
        # Reaching a milestone sets payment due dates: a name matched by part is asked first.
        ctx.show(reach_card(ctx.deps, ctx.locale, milestone, rest.strip()))
        return
    change = await service.reach(ctx.tx, ctx.person, project, milestone, ctx.now, today(ctx))
    await tell_change(ctx, project, change)


async def tell_change(ctx: Ctx, project: Project, change: service.Change) -> None:
    milestones = await ctx.tx.projects.milestones(project.id)
    percent = overall_percent(milestones)
    m = change.milestone
    if change.old == change.new:
        ctx.say(ctx.t("progress.unchanged", name=m.name, new=change.new))
        return
    if change.reached:
        ctx.say(ctx.t("progress.reached", name=m.name, day=today(ctx).isoformat(), percent=percent))
        await tell_customers_reached(ctx, project, m, today(ctx), percent)
    else:
        ctx.say(ctx.t("progress.updated", name=m.name, old=change.old, new=change.new, percent=percent))
    view = next(v for v in views(milestones, today(ctx)) if v.id == m.id)
    if view.flagged:
        ctx.say(flag_line(ctx.deps, ctx.locale, view))


async def daily_log(ctx: Ctx, args: str) -> None:
    """日志 [P-001] <work done, 天气 晴, 人数 35, 问题：…, 费用 …, 内部：…> (+ photos)."""
    project, rest = await _project(ctx, args)
    photos = tuple(a.ref for a in ctx.message.attachments if a.kind == "image" and a.ref)
    if not rest and not photos:
        ctx.say(ctx.t("log.usage"))
        return
    await require_on_progress(ctx.tx, ctx.person, Action.WRITE_LOG, project.id)
    entry = parse_log(rest, photos)
    log, created = await write_log(ctx.tx, ctx.person, project, entry, today(ctx), ctx.now)
    ctx.say(ctx.t("log.saved", day=log.log_date.strftime("%m-%d"), photos=len(log.photos or ()),
                  added=not created))
    if entry.cost is not None or entry.internal_note:
        ctx.say(ctx.t("log.internal_kept"))
