"""The one table of figures people see, area by area: which value of which area's figures,
its unit, and whether more is better — so the chat card, the cockpit, the workbook and the PDF
list the same figures the same way and agree on what an arrow means."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Callable

from domain.reports.report import Report

Value = int | float | Decimal | None


@dataclass(frozen=True)
class FigureDef:
    key: str                                  # wording: reports.figure.<key>
    unit: str                                 # count | percent | hours | money | score | nps | days
    get: Callable[[Any], Value]
    higher_is_better: bool | None = None      # None: neither (e.g. tickets opened)
    headline: bool = False                    # on the chat card


def _total(values: dict) -> Decimal:
    return sum(values.values(), Decimal("0.00"))


FIGURES: dict[str, tuple[FigureDef, ...]] = {
    "service": (
        FigureDef("opened", "count", lambda f: f.opened, None, True),
        FigureDef("resolved", "count", lambda f: f.resolved, True),
        FigureDef("closed", "count", lambda f: f.closed, True),
        FigureDef("accept_hours", "hours", lambda f: f.accept_hours, False),
        FigureDef("accept_hours_p90", "hours", lambda f: f.accept_hours_p90, False),
        FigureDef("resolve_hours", "hours", lambda f: f.resolve_hours, False, True),
        FigureDef("resolve_hours_p90", "hours", lambda f: f.resolve_hours_p90, False),
        FigureDef("sla_percent", "percent", lambda f: f.sla_percent, True, True),
        FigureDef("escalations", "count", lambda f: sum(f.escalations.values()), False),
        FigureDef("reopen_rate", "percent", lambda f: f.reopen_rate, False),
        FigureDef("csat", "score", lambda f: f.csat, True, True),
        FigureDef("csat_answer_rate", "percent", lambda f: f.csat_answer_rate, True),
        FigureDef("per_assignee", "count", lambda f: f.per_assignee, None),
    ),
    "customers": (
        FigureDef("nps", "nps", lambda f: f.nps, True, True),
        FigureDef("nps_answers", "count", lambda f: f.nps_answers, True),
        FigureDef("nps_answer_rate", "percent", lambda f: f.nps_answer_rate, True),
        FigureDef("customers_at_risk", "count", lambda f: len(f.at_risk), False, True),
    ),
    "delivery": (
        FigureDef("on_time_rate", "percent", lambda f: f.on_time_rate, True, True),
        FigureDef("milestones_due", "count", lambda f: f.milestones_due, None),
        FigureDef("projects_late", "count", lambda f: f.late, False, True),
        FigureDef("projects_at_risk", "count", lambda f: f.at_risk, False),
        FigureDef("average_deviation", "days", lambda f: f.average_deviation, False),
        FigureDef("changes", "count", lambda f: f.changes, None),
        FigureDef("change_days", "days", lambda f: f.change_days, None),
        FigureDef("change_amount", "money", lambda f: f.change_amount, None),
        FigureDef("logs", "count", lambda f: f.logs, True),
        FigureDef("inspections", "count", lambda f: f.inspections, True),
        FigureDef("inspection_failures", "count", lambda f: f.inspection_failures, False),
    ),
    "money": (
        FigureDef("collected", "money", lambda f: f.collected, True, True),
        FigureDef("receivable", "money", lambda f: f.receivable, None),
        FigureDef("overdue", "money", lambda f: f.overdue, False, True),
        FigureDef("fell_due", "money", lambda f: f.fell_due, None),
        FigureDef("collection_rate", "percent", lambda f: f.collection_rate, True),
        FigureDef("dso", "days", lambda f: f.dso, False, True),
    ),
    "sales": (
        FigureDef("pipeline", "money", lambda f: _total(f.funnel_amount), True, True),
        FigureDef("opportunities_open", "count", lambda f: sum(f.funnel.values()), True),
        FigureDef("created", "count", lambda f: f.created, True),
        FigureDef("won", "count", lambda f: f.won, True),
        FigureDef("won_amount", "money", lambda f: f.won_amount, True),
        FigureDef("win_rate", "percent", lambda f: f.win_rate, True, True),
        FigureDef("days_to_win", "days", lambda f: f.days_to_win, False),
    ),
}


@dataclass(frozen=True)
class Figure:
    area: str
    definition: FigureDef
    now: Value
    before: Value

    @property
    def key(self) -> str:
        return self.definition.key

    @property
    def direction(self) -> str | None:
        """up | down | same; None when either period has no value."""
        if self.now is None or self.before is None:
            return None
        if self.now == self.before:
            return "same"
        return "up" if self.now > self.before else "down"

    @property
    def good(self) -> bool | None:
        """Whether the change is for the better (None: no change, or no better direction)."""
        better = self.definition.higher_is_better
        if better is None or self.direction in (None, "same"):
            return None
        return (self.direction == "up") == better


def figures(report: Report, area: str) -> list[Figure]:
    pair = getattr(report, area)
    if pair is None:
        return []
    return [Figure(area, d, d.get(pair.now), d.get(pair.before)) for d in FIGURES[area]]


def headlines(report: Report) -> list[Figure]:
    return [f for area in FIGURES for f in figures(report, area) if f.definition.headline]
