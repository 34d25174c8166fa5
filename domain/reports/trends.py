"""Trends for the charts: a few figures for the period and the whole periods before it, by the
same rules as the report's (the SLA rule is one SQL expression, domain/store/repos/reports.py
met_sla; the rest are counts and a mean), added up by the database per period."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Sequence

from domain.reports.periods import Period
from domain.reports.scope import Scope
from domain.reports.stats import mean_of, money, percent
from domain.store.repos.reports import PaymentRow, TrendCounts
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


def points_of(periods: list[Period], scope: Scope, counts: Sequence[TrendCounts],
              payments: Sequence[PaymentRow]) -> list[Point]:
    """The trend from the service counts the database added up per period (a year of tickets
    is not read for six numbers a period) and the payments read for the report."""
    out = [{"period": p} for p in periods]
    if scope.sees("service"):
        for fields, c in zip(out, counts):
            fields.update(opened=c.opened, resolved=c.resolved, sla_percent=percent(c.sla_met, c.sla_counted),
                          csat=mean_of(c.csat_total, c.csat_answers))
    if scope.sees("money"):
        for index, p in enumerate(periods):
            out[index]["collected"] = money(x.amount for x in payments if p.holds_day(x.paid_on))
    return [Point(**fields) for fields in out]


async def service_counts(tx: Tx, scope: Scope, periods: list[Period]) -> list[TrendCounts]:
    if not scope.sees("service"):
        return []
    return await tx.reports.service_trend(scope.project_ids, [p.start for p in periods], periods[-1].end)


def periods_of(period: Period, points: int = POINTS) -> list[Period]:
    return [*period.earlier(points - 1), period]


async def trend(tx: Tx, scope: Scope, period: Period, points: int = POINTS) -> list[Point]:
    periods = periods_of(period, points)
    payments = await tx.reports.payments(scope.project_ids, period.last_day) if scope.sees("money") else []
    return points_of(periods, scope, await service_counts(tx, scope, periods), payments)
