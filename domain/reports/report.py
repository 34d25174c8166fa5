"""A report: every area the asker may see, for a period and the one before it, read with one
query per table over both periods (domain/store/repos/reports.py) and computed by the figure
functions of each area; its trend's service figures added up by the database per period."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Generic, TypeVar

from domain.reports.customers import CustomerFigures, customer_figures
from domain.reports.delivery import DeliveryFigures, delivery_figures
from domain.reports.money import MoneyFigures, dues_on, money_figures
from domain.reports.periods import Period
from domain.reports.rules import ReportRules
from domain.reports.sales import SalesFigures, sales_figures
from domain.reports.scope import Scope
from domain.reports.service import ServiceFigures, service_figures
from domain.reports.trends import Point, periods_of, points_of, service_counts
from domain.store.repos.reports import PaymentRow, ProjectRow, SurveyRow, TicketRow
from domain.store.uow import Tx

T = TypeVar("T")


@dataclass(frozen=True)
class Pair(Generic[T]):
    now: T
    before: T


@dataclass(frozen=True)
class Report:
    scope: Scope
    period: Period
    previous: Period
    service: Pair[ServiceFigures] | None = None
    customers: Pair[CustomerFigures] | None = None
    delivery: Pair[DeliveryFigures] | None = None
    money: Pair[MoneyFigures] | None = None
    sales: Pair[SalesFigures] | None = None
    projects: dict[int, ProjectRow] = field(default_factory=dict)
    people: dict[int, str] = field(default_factory=dict)       # assignees' names
    customer_names: dict[int, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Read:
    """The large reads (tickets, surveys, payments), done once for a report and its trend."""
    tickets: list[TicketRow]
    surveys: list[SurveyRow]
    payments: list[PaymentRow]


async def report_and_trend(tx: Tx, scope: Scope, period: Period, rules: ReportRules,
                           now: datetime) -> tuple[Report, list[Point]]:
    """The report and its trend chart's points. The rows are read for the two periods only (and
    the at-risk window); the trend's service figures are added up by the database per period,
    its money from the payments the report reads anyway."""
    periods, read = periods_of(period), await _read(tx, scope, period, rules)
    report = await build_report(tx, scope, period, rules, now, read)
    return report, points_of(periods, scope, await service_counts(tx, scope, periods), read.payments)


async def _read(tx: Tx, scope: Scope, period: Period, rules: ReportRules) -> Read:
    """Tickets of both periods; ticket surveys of both periods and of the days before each
    period's end that say whether a customer is at risk; payments up to the period's end."""
    repo, ids, before = tx.reports, scope.project_ids, period.previous()
    since = min(before.start, before.end - timedelta(days=rules.risk_days))
    return Read(await repo.tickets(ids, before.start, period.end) if scope.sees("service") else [],
                await repo.surveys(ids, since, period.end) if scope.areas & {"service", "customers"} else [],
                await repo.payments(ids, period.last_day) if scope.areas & {"money", "customers"} else [])


async def build_report(tx: Tx, scope: Scope, period: Period, rules: ReportRules, now: datetime,
                       read: Read | None = None) -> Report:
    """`read`: tickets, surveys and payments already read over (at least) the report's span."""
    repo, ids, before = tx.reports, scope.project_ids, period.previous()
    projects = {p.id: p for p in await repo.projects(ids)}
    parts: dict = {}
    since = min(before.start, before.end - timedelta(days=rules.risk_days))   # the at-risk window
    read = read or await _read(tx, scope, period, rules)
    surveys = read.surveys
    if scope.sees("service"):
        escalations = await repo.escalations(ids, before.start, period.end)
        service = parts["service"] = Pair(*(service_figures(read.tickets, escalations, surveys, p)
                                            for p in (period, before)))
        parts["people"] = await repo.names(a.person_id for f in (service.now, service.before)
                                           for a in f.assignees)
    milestones = {m.id: m for m in await repo.milestones(ids)} if scope.areas & {"money", "delivery"} else {}
    if scope.sees("money") or scope.sees("customers"):
        receivables, payments = await repo.receivables(ids), read.payments
    if scope.sees("money"):
        parts["money"] = Pair(*(money_figures(receivables, payments, milestones, p) for p in (period, before)))
    if scope.sees("delivery"):
        changes = await repo.approved_changes(ids, before.start, period.end)
        logs = await repo.log_days(ids, before.first, period.last_day)
        rows, pids = list(milestones.values()), list(projects)
        walked = await tx.site.inspections(pids, before.start, period.end)
        today = now.astimezone(period.tz).date() if period.running else None
        parts["delivery"] = Pair(delivery_figures(rows, changes, logs, pids, period, today, walked),
                                 delivery_figures(rows, changes, logs, pids, before, None, walked))
    if scope.sees("customers"):
        parts["customer_names"] = names = await repo.customers(
            None if ids is None else {p.customer_id for p in projects.values() if p.customer_id})
        nps = await repo.nps(None if ids is None else names, since, period.end)
        complaints = await repo.complaints(ids, before.end, period.end)
        values = await repo.contract_values(ids)
        parts["customers"] = Pair(*(
            customer_figures(names, list(projects.values()), values, payments,
                             dues_on(receivables, payments, milestones, p.last_day), surveys, nps,
                             complaints, p, rules) for p in (period, before)))
    if scope.sees("sales"):
        opportunities, moves = await repo.opportunities(), await repo.stage_moves(period.end)
        parts["sales"] = Pair(*(sales_figures(opportunities, moves, p) for p in (period, before)))
    return Report(scope, period, before, projects=projects, **parts)
