"""Gantt rows for the page: each milestone's planned bar, actual bar (to today while under
way) and expected finish, as left/width percentages of the chart's date range (drawn in CSS)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from domain.progress.plan import MilestoneView, State


@dataclass(frozen=True)
class Bar:
    left: float
    width: float


@dataclass(frozen=True)
class Row:
    milestone: MilestoneView
    planned: Bar | None
    actual: Bar | None
    projected: Bar | None
    late: bool                 # late now or expected to be (reached late is history)


@dataclass(frozen=True)
class Chart:
    rows: list[Row]
    today: float
    ticks: list[tuple[float, str]]   # month starts: (left %, "2026-03")


def chart(milestones: list[MilestoneView], first: date, last: date, today: date) -> Chart:
    first, last = first - timedelta(days=3), last + timedelta(days=3)
    span = max((last - first).days, 1)

    def x(day: date) -> float:
        return round(100 * (day - first).days / span, 2)

    def bar(start: date | None, end: date | None) -> Bar | None:
        if start is None or end is None or end < start:
            return None
        return Bar(x(start), max(round(x(end) - x(start), 2), 0.8))

    rows = []
    for m in milestones:
        actual_end = m.actual_end or (today if m.actual_start else None)
        projected = bar(today, m.projected_end) if m.projected_end and not m.actual_end else None
        rows.append(Row(m, bar(m.planned_start, m.planned_end), bar(m.actual_start, actual_end),
                        projected, m.state in (State.LATE, State.AT_RISK)))
    return Chart(rows, x(today), _ticks(first, last, x))


def _ticks(first: date, last: date, x) -> list[tuple[float, str]]:  # noqa: ANN001
    months = max((last.year - first.year) * 12 + last.month - first.month, 1)
    step = 1 if months <= 8 else 3 if months <= 24 else 6
    out, day = [], date(first.year, first.month, 1)
    while day <= last:
        if day >= first and (day.month - 1) % step == 0:
            out.append((x(day), day.strftime("%Y-%m")))
        day = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return out
