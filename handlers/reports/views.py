"""What every view of a report shares: how a period and a scope are named, and the chart
panels drawn from a report and its trend (the chat card, the pushed reports and the PDF)."""
from __future__ import annotations

from domain.reports.periods import Kind, Period
from domain.reports.report import Report
from domain.reports.trends import Point
from handlers.chat.context import Deps
from handlers.reports.charts import Panel, Series


def period_text(deps: Deps, locale: str, period: Period) -> str:
    """"2026-11-01 至 11-23" (the days with data), the year once when it does not change."""
    last = period.last_day
    end = last.strftime("%m-%d") if last.year == period.first.year else last.isoformat()
    return deps.t(locale, "reports.span", first=period.first.isoformat(), last=end)


def point_label(period: Period) -> str:
    if period.kind is Kind.MONTH:
        return period.first.strftime("%Y-%m") if period.first.month == 1 else period.first.strftime("%m月")
    if period.kind is Kind.QUARTER:
        return f"{period.first.year % 100}Q{(period.first.month - 1) // 3 + 1}"
    return period.first.strftime("%m-%d")


def scope_text(deps: Deps, locale: str, report: Report) -> str:
    scope = report.scope
    if scope.project is not None:
        return f"{scope.project.code} {scope.project.name}"
    if scope.whole_company:
        return deps.t(locale, "reports.scope.company")
    if not scope.project_ids:
        return deps.t(locale, "reports.scope.sales")
    return deps.t(locale, "reports.scope.mine", count=len(scope.project_ids))


def panels(deps: Deps, locale: str, report: Report, points: list[Point], *, chat: bool = False) -> list[Panel]:
    """Trends of tickets and SLA, the typical problems, money collected and the ageing — as
    far as the asker sees those areas. `chat`: the card's picture leaves the ageing out (the
    card names the overdue sum; each panel is a quarter of the drawing time)."""
    t = lambda key, **p: deps.t(locale, key, **p)  # noqa: E731
    labels = [point_label(p.period) for p in points]
    out = []
    if report.service is not None:
        out.append(Panel(t("reports.chart.tickets"), labels, (
            Series(t("reports.figure.opened"), [p.opened for p in points]),
            Series(t("reports.figure.resolved"), [p.resolved for p in points]),
            Series(t("reports.figure.sla_percent"), [p.sla_percent for p in points], "line", right=True))))
        categories = report.service.now.by_category
        if categories:
            out.append(Panel(t("reports.chart.problems"), [t(f"category.{c}") for c in categories],
                             (Series("", list(categories.values())),), horizontal=True))
    if report.money is not None:
        out.append(Panel(t("reports.chart.collected"), labels, (
            Series(t("reports.figure.collected"), [float(p.collected or 0) / 10000 for p in points]),)))
        ageing = report.money.now.ageing
        if not chat:
            out.append(Panel(t("reports.chart.ageing"), [t(f"reports.ageing.{b}") for b in ageing],
                             (Series("", [float(v) / 10000 for v in ageing.values()]),), horizontal=True))
    if report.sales is not None and report.service is None:
        funnel = report.sales.now.funnel
        out.append(Panel(t("reports.chart.funnel"), [t(f"opportunity.stage.{s}") for s in funnel],
                         (Series("", list(funnel.values())),), horizontal=True))
    return out
