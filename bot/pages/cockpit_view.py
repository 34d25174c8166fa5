"""What the cockpit page shows, worked out from a report and its trend: figure tiles with
their arrows, chart geometry, and the drill-down lists (texts already in the reader's
language, so the template only lays them out)."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from bot.pages import cockpit_charts as charts
from domain.finance.money import format_wan
from domain.reports.figures import FIGURES, figures
from domain.reports.report import Report
from domain.reports.trends import Point
from domain.store.models import Person
from handlers.chat.context import Deps
from handlers.reports.format import mark, value_text
from handlers.reports.views import period_text, point_label, scope_text

LIST_ROWS = 50
BLUE, GREEN, ORANGE = "#3370ff", "#34c724", "#ff8800"


@dataclass(frozen=True)
class Tile:
    key: str
    label: str
    value: str
    before: str
    arrow: str
    tone: str        # good | bad | same | none


@dataclass
class Page:
    title: str
    person: str
    scope: str
    span: str
    before: str
    choice: str
    code: str | None
    areas: dict[str, list[Tile]] = field(default_factory=dict)
    tickets: charts.Trend | None = None
    money: charts.Trend | None = None
    problems: list[charts.Share] = field(default_factory=list)
    funnel: list[charts.Share] = field(default_factory=list)
    ageing: list[charts.Share] = field(default_factory=list)
    lists: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    periods: list[tuple[str, str]] = field(default_factory=list)


def _tiles(t: Any, report: Report) -> dict[str, list[Tile]]:
    out = {}
    for area in FIGURES:
        tiles = []
        for f in figures(report, area):
            unit = f.definition.unit
            tone = {True: "good", False: "bad"}.get(f.good, "same" if f.direction == "same" else "none")
            tiles.append(Tile(f.key, t(f"reports.figure.{f.key}"), value_text(t, unit, f.now, short=True),
                              value_text(t, unit, f.before, short=True), mark(f, colour=False), tone))
        if tiles:
            out[area] = tiles
    return out


def view(deps: Deps, locale: str, report: Report, points: list[Point], person: Person, choice: str,
         code: str | None) -> Page:
    t = lambda key, **p: deps.t(locale, key, **p)  # noqa: E731
    page = Page(t("cockpit.title"), person.name, scope_text(deps, locale, report),
                period_text(deps, locale, report.period), period_text(deps, locale, report.previous),
                choice, code, _tiles(t, report),
                periods=[(c, t(f"cockpit.period.{c}")) for c in
                         ("week", "month", "quarter", "last-week", "last-month", "last-quarter")])
    labels = [point_label(p.period) for p in points]
    project = {pid: p for pid, p in report.projects.items()}
    if report.service is not None:
        page.tickets = charts.trend(labels, [(t("reports.figure.opened"), [p.opened for p in points], BLUE),
                                             (t("reports.figure.resolved"), [p.resolved for p in points], GREEN)],
                                    [p.sla_percent for p in points])
        page.problems = charts.shares([(t(f"category.{c}"), n, str(n))
                                       for c, n in report.service.now.by_category.items()])
        page.lists["missed"] = [
            {"ref": f"T-{x.id}", "text": x.title, "where": project[x.project_id].code,
             "tag": t(f"status.{x.status}"), "tone": "open" if x.resolved_at is None else "due",
             "when": deps.local(x.resolve_due_at, "%m-%d %H:%M")} for x in report.service.now.missed[:LIST_ROWS]]
    if report.money is not None:
        page.money = charts.trend(labels, [(t("reports.figure.collected"),
                                            [float(p.collected or 0) / 10000 for p in points], BLUE)])
        page.ageing = charts.shares([(t(f"reports.ageing.{b}"), float(v), format_wan(v))
                                     for b, v in report.money.now.ageing.items()])
        page.lists["overdue"] = [
            {"ref": project[d.row.project_id].code, "text": d.row.name, "where": format_wan(d.outstanding),
             "tag": t("cockpit.days_overdue", days=days), "tone": "overdue", "when": d.due.isoformat()}
            for d, days in report.money.now.overdue_rows[:LIST_ROWS]]
    if report.customers is not None:
        page.lists["at_risk"] = [
            {"ref": "", "text": r.name, "where": "、".join(t(f"reports.risk.{x}") for x in r.reasons),
             "tag": format_wan(r.overdue) if r.overdue else "", "tone": "overdue", "when": ""}
            for r in report.customers.now.at_risk[:LIST_ROWS]]
        page.lists["ranking"] = [
            {"ref": "", "text": r.name, "where": format_wan(r.contract_value),
             "tag": value_text(t, "score", r.csat), "tone": "", "when": format_wan(r.collected)}
            for r in report.customers.now.ranking[:LIST_ROWS]]
    if report.delivery is not None:
        page.lists["projects"] = [
            {"ref": project[p.project_id].code, "text": project[p.project_id].name,
             "where": "、".join(p.late_milestones), "tag": t("cockpit.deviation", days=p.deviation_days),
             "tone": "overdue" if p.late else ("due" if p.at_risk else "closed"), "when": "",
             "drill": code is None and report.scope.project is None}
            for p in report.delivery.now.projects[:LIST_ROWS]]
    if report.sales is not None:
        sales = report.sales.now
        page.funnel = charts.shares([(t(f"opportunity.stage.{s}"), n,
                                      f"{n} · {format_wan(sales.funnel_amount[s] or Decimal(0))}")
                                     for s, n in sales.funnel.items()])
    return page
