"""Trends for the charts: a few figures for the period and the whole periods before it, each
computed by the same figure functions as the report (a trend point is a report of that period,
only fewer figures)."""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from domain.reports.periods import Period
from domain.reports.scope import Scope
from domain.reports.service import service_figures
from domain.reports.stats import money
from domain.store.uow import Tx

POINTS = 6   # the period and the five before it


@dataclass(frozen=True)
class Point:
    period: Period
    opened: int | None = None
    resolved: int | None = None
    sla_percent: float | None = None
    csat: float | None = None
    collected: Decimal | None = None


def _buckets(periods: list[Period], rows: list, times: tuple[str, ...]) -> list[list]:
    """Each period's rows: those with any of `times` inside it (one pass, by bisection)."""
    starts = [p.start for p in periods]
    out: list[list] = [[] for _ in periods]
    for row in rows:
        hit = set()
        for name in times:
            moment: datetime | None = getattr(row, name)
            if moment is not None:
                index = bisect_right(starts, moment) - 1
                if index >= 0 and periods[index].holds(moment):
                    hit.add(index)
        for index in hit:
            out[index].append(row)
    return out


async def trend(tx: Tx, scope: Scope, period: Period, points: int = POINTS) -> list[Point]:
    periods = [*period.earlier(points - 1), period]
    since, until, ids, repo = periods[0].start, period.end, scope.project_ids, tx.reports
    out = [{"period": p} for p in periods]
    if scope.sees("service"):
        tickets = _buckets(periods, await repo.tickets(ids, since, until),
                           ("created_at", "resolved_at", "closed_at", "resolve_due_at"))
        surveys = _buckets(periods, await repo.surveys(ids, since, until), ("sent_at", "answered_at"))
        for index, p in enumerate(periods):
            figures = service_figures(tickets[index], [], surveys[index], p)
            out[index].update(opened=figures.opened, resolved=figures.resolved,
                              sla_percent=figures.sla_percent, csat=figures.csat)
    if scope.sees("money"):
        payments = await repo.payments(ids, period.last_day)
        for index, p in enumerate(periods):
            out[index]["collected"] = money(x.amount for x in payments if p.holds_day(x.paid_on))
    return [Point(**fields) for fields in out]
