"""Trends for the charts: a few figures for the period and the whole periods before it, each
computed by the same figure functions as the report (a trend point is a report of that period,
only fewer figures)."""
from __future__ import annotations

from bisect import bisect_right
from operator import attrgetter
from dataclasses import dataclass
from decimal import Decimal
from typing import Sequence

from domain.reports.periods import Period
from domain.reports.scope import Scope
from domain.reports.service import service_figures
from domain.reports.stats import money
from domain.store.repos.reports import PaymentRow, SurveyRow, TicketRow
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


def _buckets(periods: list[Period], rows: Sequence, times: tuple[str, ...]) -> list[list]:
    """Each period's rows: those with any of `times` inside it (one pass, by bisection; the
    periods lie side by side, so a moment is in the one whose start is the last before it)."""
    starts, end = [p.start for p in periods], periods[-1].end
    first, getters = starts[0], [attrgetter(name) for name in times]
    out: list[list] = [[] for _ in periods]
    for row in rows:
        hits: list[int] = []
        for get in getters:
            moment = get(row)
            if moment is not None and first <= moment < end:
                index = bisect_right(starts, moment) - 1
                if index not in hits:
                    hits.append(index)
        for index in hits:
            out[index].append(row)
    return out


def points_of(periods: list[Period], scope: Scope, tickets: Sequence[TicketRow], surveys: Sequence[SurveyRow],
              payments: Sequence[PaymentRow]) -> list[Point]:
    """The trend from rows read over (at least) the periods' span."""
    out = [{"period": p} for p in periods]
    if scope.sees("service"):
        by_ticket = _buckets(periods, tickets, ("created_at", "resolved_at", "closed_at", "resolve_due_at"))
        by_survey = _buckets(periods, surveys, ("sent_at", "answered_at"))
        for index, p in enumerate(periods):
            figures = service_figures(by_ticket[index], [], by_survey[index], p)
            out[index].update(opened=figures.opened, resolved=figures.resolved,
                              sla_percent=figures.sla_percent, csat=figures.csat)
    if scope.sees("money"):
        for index, p in enumerate(periods):
            out[index]["collected"] = money(x.amount for x in payments if p.holds_day(x.paid_on))
    return [Point(**fields) for fields in out]


def periods_of(period: Period, points: int = POINTS) -> list[Period]:
    return [*period.earlier(points - 1), period]


async def trend(tx: Tx, scope: Scope, period: Period, points: int = POINTS) -> list[Point]:
    periods = periods_of(period, points)
    since, until, ids, repo = periods[0].start, period.end, scope.project_ids, tx.reports
    service = scope.sees("service")
    return points_of(periods, scope, await repo.tickets(ids, since, until) if service else [],
                     await repo.surveys(ids, since, until) if service else [],
                     await repo.payments(ids, period.last_day) if scope.sees("money") else [])
