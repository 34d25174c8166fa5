"""The report card in chat: the key figures with arrows against the previous period, a chart
image, a link to the cockpit and 导出; and its satisfaction view (满意度)."""
from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Sequence

from domain.reports.figures import Figure, figures, headlines
from domain.reports.report import Report
from domain.reports.trends import Point
from domain.store.models import Person
from handlers.chat.cards import Button, Card, Field, Fields, Image, LinkButton, Markdown, Note
from handlers.chat.context import Deps
from handlers.reports import charts
from handlers.reports.format import figure_text
from handlers.reports.views import panels, period_text, scope_text
from handlers.reports.words import Asked, to_value

SATISFACTION = ("csat", "csat_answer_rate", "nps", "nps_answers", "nps_answer_rate", "customers_at_risk")
LISTED = 3   # late projects / customers at risk named on the card


async def chart(deps: Deps, locale: str, chart_panels: Sequence[charts.Panel]) -> str | None:
    """Draw the panels (off the event loop) and keep the PNG; its ref, or None."""
    if deps.images is None or not chart_panels:
        return None
    data = await asyncio.to_thread(charts.png, chart_panels)
    return deps.images.save(data, "image/png") if data else None


def _fields(deps: Deps, locale: str, items: Sequence[Figure]) -> Fields:
    t = lambda key, **p: deps.t(locale, key, **p)  # noqa: E731
    return Fields(tuple(Field(t(f"reports.figure.{f.key}"), figure_text(t, f)) for f in items))


def _lists(deps: Deps, locale: str, report: Report) -> list[str]:
    t = lambda key, **p: deps.t(locale, key, **p)  # noqa: E731
    lines = []
    if report.service is not None and report.service.now.by_category:
        top = ", ".join(f"{t(f'category.{c}')} {n}" for c, n in list(report.service.now.by_category.items())[:4])
        lines.append(t("reports.line.problems", items=top))
    if report.delivery is not None:
        late = [p for p in report.delivery.now.projects if p.late][:LISTED]
        if late:
            lines.append(t("reports.line.late", items=", ".join(
                f"{report.projects[p.project_id].code}（{p.deviation_days}天）" for p in late)))
        walked = report.delivery.now
        if walked.inspections:
            failed = walked.failed_items[:LISTED * 2]
            lines.append(t("reports.line.inspections", count=walked.inspections,
                           failed=walked.inspection_failures, items="；".join(
                               f"{report.projects[pid].code} {text}" for pid, text in failed)))
    if report.customers is not None and report.customers.now.at_risk:
        lines.append(t("reports.line.at_risk", items=", ".join(
            r.name for r in report.customers.now.at_risk[:LISTED])))
    return lines


def _footer(deps: Deps, locale: str, report: Report, person: Person | None, now: datetime,
            picture: str | None, drew: bool) -> tuple[list, tuple]:
    t = lambda key, **p: deps.t(locale, key, **p)  # noqa: E731
    blocks: list = []
    if picture:
        blocks.append(Image(picture, t("reports.chart.alt")))
    elif drew and not charts.available():
        blocks.append(Note(t("reports.no_font")))
    blocks.append(Note(t("reports.compared", scope=scope_text(deps, locale, report),
                         before=period_text(deps, locale, report.previous))))
    actions: tuple = ()
    if deps.cockpit_link is not None and person is not None:
        actions = (LinkButton(t("reports.cockpit"), deps.cockpit_link(person, now)),)
    return blocks, actions


async def report_card(deps: Deps, locale: str, report: Report, points: list[Point], asked: Asked,
                      person: Person | None, now: datetime, *, title_key: str = "reports.title",
                      export: bool = True) -> Card:
    items = headlines(report)
    blocks: list = [_fields(deps, locale, items)] if items else [Note(deps.t(locale, "reports.nothing"))]
    lines = _lists(deps, locale, report)
    if lines:
        blocks.append(Markdown("\n".join(lines)))
    picture = await chart(deps, locale, panels(deps, locale, report, points, chat=True))
    more, actions = _footer(deps, locale, report, person, now, picture, drew=True)
    if export:
        actions += (Button(deps.t(locale, "reports.export_button"), "report.export", to_value(asked)),)
    return Card(deps.t(locale, title_key, span=period_text(deps, locale, report.period)), "blue",
                (*blocks, *more), actions)


async def satisfaction_card(deps: Deps, locale: str, report: Report, points: list[Point], asked: Asked,
                            person: Person | None, now: datetime) -> Card:
    t = lambda key, **p: deps.t(locale, key, **p)  # noqa: E731
    items = [f for area in ("service", "customers") for f in figures(report, area) if f.key in SATISFACTION]
    blocks: list = [_fields(deps, locale, items)]
    if report.customers is not None:
        risks = report.customers.now.at_risk
        if risks:
            blocks.append(Markdown("\n".join(
                t("reports.risk_line", name=r.name, reasons="、".join(t(f"reports.risk.{x}") for x in r.reasons))
                for r in risks[:LISTED * 2])))
        nps = report.customers.now
        split = charts.Panel(t("reports.chart.nps"), [t("reports.nps.promoters"), t("reports.nps.passives"),
                                                      t("reports.nps.detractors")],
                             (charts.Series("", [nps.promoters, nps.passives, nps.detractors]),), horizontal=True)
    trend = charts.Panel(t("reports.chart.csat"), [p.period.first.strftime("%m-%d") for p in points],
                         (charts.Series(t("reports.figure.csat"), [p.csat for p in points], "line"),))
    chosen = [trend] + ([split] if report.customers is not None else [])
    picture = await chart(deps, locale, chosen if report.service is not None else chosen[1:])
    more, actions = _footer(deps, locale, report, person, now, picture, drew=True)
    return Card(t("reports.satisfaction_title", span=period_text(deps, locale, report.period)), "green",
                (*blocks, *more), actions)
