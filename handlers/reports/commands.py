"""报表 / 统计 (the report card), 满意度 (its satisfaction view), 导出 报表 (a workbook and a PDF
sent as files). Who may see what is the domain's (domain/reports/scope.py): a customer
contact or the site team gets 无权限 and nothing is read."""
from __future__ import annotations

from domain.errors import NotAllowed
from domain.people import project_by_code
from domain.reports.report import Report, report_and_trend
from domain.reports.scope import narrowed, scope_of
from domain.reports.trends import Point
from handlers.chat.context import Ctx
from handlers.chat.contract import Text
from handlers.reports.cards import report_card, satisfaction_card
from handlers.reports.export import export_files
from handlers.reports.words import Asked, from_value, read


async def gather(ctx: Ctx, asked: Asked) -> tuple[Report, list[Point]]:
    """The asker's report for the period (and its trend), scoped by their roles now."""
    scope = await scope_of(ctx.tx, ctx.person)
    if asked.code is not None:
        scope = narrowed(scope, await project_by_code(ctx.tx, asked.code))
    return await report_and_trend(ctx.tx, scope, asked.period, ctx.deps.reports, ctx.now)


async def answer(ctx: Ctx, bodies: list) -> None:
    """A report carries the figures of everything its asker may see — the company's money, other
    projects — not the group's to read: asked in a group it goes to the asker's direct chat, and
    the group is told so. Asked one-to-one, it is the answer."""
    if not ctx.event.conversation.is_group:
        for index, body in enumerate(bodies):
            ctx.post(ctx.here(), body, f"report:{index}", ctx.locale)
        return
    for index, body in enumerate(bodies):
        if not await ctx.notify(ctx.person, body, f"report-dm:{index}"):
            raise NotAllowed("reports.no_direct")
    ctx.say(ctx.t("reports.sent_direct", name=ctx.person.name))


async def show_report(ctx: Ctx, args: str) -> None:
    asked = read(args, ctx.now, ctx.deps.timezone)
    report, points = await gather(ctx, asked)
    await answer(ctx, [await report_card(ctx.deps, ctx.locale, report, points, asked, ctx.person, ctx.now)])


async def show_satisfaction(ctx: Ctx, args: str) -> None:
    asked = read(args, ctx.now, ctx.deps.timezone)
    report, points = await gather(ctx, asked)
    if report.service is None and report.customers is None:
        raise NotAllowed()
    await answer(ctx, [await satisfaction_card(ctx.deps, ctx.locale, report, points, asked, ctx.person, ctx.now)])


async def export_report(ctx: Ctx, args: str) -> None:
    await _export(ctx, read(args, ctx.now, ctx.deps.timezone))


async def on_export(ctx: Ctx, value: dict) -> None:
    await _export(ctx, from_value(value, ctx.now, ctx.deps.timezone))


async def _export(ctx: Ctx, asked: Asked) -> None:
    report, points = await gather(ctx, asked)
    files, missing = await export_files(ctx.deps, ctx.locale, report, points)
    told = [Text(ctx.t("reports.exported", count=len(files), names="、".join(f.name for f in files)))]
    await answer(ctx, [*told, *files, *(Text(ctx.t(f"reports.export_missing.{why}")) for why in missing)])
    if ctx.is_click:
        ctx.toast(ctx.t("reports.export_toast"), "success")
