"""What the daily digest and the weekly report say, read from the store. The customer digest is
built from customer-safe fields only (no internal notes, no costs): it never reads them; and it
counts only the tickets the customer may see (domain/tickets/visibility.py)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from domain.finance.ledger import Receivable, receivables
from domain.progress.plan import MilestoneView, overall_percent, views
from domain.store.models import DailyLog, Milestone, MilestoneUpdate, Project
from domain.store.uow import Tx

SEVERITIES = ("high", "medium", "low")


@dataclass(frozen=True)
class LogSummary:
    lines: tuple[str, ...]        # work done, one per author
    weather: str | None
    crew: int
    issues: tuple[str, ...]
    photos: int


@dataclass(frozen=True)
class PaymentDue:
    name: str
    amount: Decimal
    due: date | None
    days_overdue: int


@dataclass(frozen=True)
class Moved:
    name: str
    old: int
    new: int


@dataclass(frozen=True)
class CustomerDigest:
    code: str
    name: str
    day: date
    percent: int
    milestones: list[MilestoneView]
    moved: list[Moved]
    log: LogSummary | None
    open_tickets: dict[str, int]          # severity -> count
    next_payment: PaymentDue | None

    @property
    def flagged(self) -> list[MilestoneView]:
        return [m for m in self.milestones if m.flagged]


@dataclass(frozen=True)
class WeeklyReport:
    code: str
    name: str
    first: date
    last: date
    percent: int
    milestones: list[MilestoneView]
    moved: list[Moved]
    log_days: int
    crew_days: int
    cost: Decimal                          # internal: the week's logged costs
    internal_notes: tuple[str, ...]        # internal
    opened: int
    closed: int
    open_tickets: dict[str, int] = field(default_factory=dict)

    @property
    def flagged(self) -> list[MilestoneView]:
        return [m for m in self.milestones if m.flagged]


def day_bounds(day: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(0), tz)
    return start, start + timedelta(days=1)


async def had_activity(tx: Tx, project: Project, day: date, tz: ZoneInfo) -> bool:
    """Progress moved, a log was written, or a ticket the customer sees was reported or changed
    that day (an internal incident alone does not make the customer's day eventful)."""
    since, until = day_bounds(day, tz)
    if await tx.progress.updates(project.id, since, until):
        return True
    if await tx.progress.logs(project.id, day, day):
        return True
    return await tx.progress.tickets_touched(project.id, since, until, customer_only=True) > 0


async def customer_digest(tx: Tx, project: Project, day: date, tz: ZoneInfo, *,
                          customer_only: bool = True) -> CustomerDigest:
    """`customer_only=False` counts internal tickets too: the site team's own 进度 card."""
    milestones = await tx.projects.milestones(project.id)
    since, until = day_bounds(day, tz)
    return CustomerDigest(
        code=project.code, name=project.name, day=day, percent=overall_percent(milestones),
        milestones=views(milestones, day),
        moved=await _moved(tx, project, since, until),
        log=summarise(await tx.progress.logs(project.id, day, day)),
        open_tickets=await open_by_severity(tx, project, customer_only),
        next_payment=await next_payment(tx, project, day))


async def weekly_report(tx: Tx, project: Project, last: date, tz: ZoneInfo) -> WeeklyReport:
    """The seven days ending with `last` (the Sunday before a Monday report)."""
    first = last - timedelta(days=6)
    since, _ = day_bounds(first, tz)
    _, until = day_bounds(last, tz)
    milestones = await tx.projects.milestones(project.id)
    logs = await tx.progress.logs(project.id, first, last)
    opened, closed = await tx.progress.tickets_opened_closed(project.id, since, until)
    return WeeklyReport(
        code=project.code, name=project.name, first=first, last=last,
        percent=overall_percent(milestones), milestones=views(milestones, last),
        moved=await _moved(tx, project, since, until), log_days=len({log.log_date for log in logs}),
        crew_days=sum(log.crew_count or 0 for log in logs),
        cost=sum((log.cost or Decimal("0.00") for log in logs), Decimal("0.00")),
        internal_notes=tuple(log.internal_note for log in logs if log.internal_note),
        opened=opened, closed=closed, open_tickets=await open_by_severity(tx, project))


def summarise(logs: list[DailyLog]) -> LogSummary | None:
    """Customer-safe summary of one day's logs (internal notes and costs are not read)."""
    if not logs:
        return None
    return LogSummary(lines=tuple(log.work_done for log in logs if log.work_done),
                      weather=next((log.weather for log in logs if log.weather), None),
                      crew=sum(log.crew_count or 0 for log in logs),
                      issues=tuple(log.issues for log in logs if log.issues),
                      photos=sum(len(log.photos or ()) for log in logs))


async def open_by_severity(tx: Tx, project: Project, customer_only: bool = False) -> dict[str, int]:
    tickets = await tx.progress.open_tickets(project.id, customer_only=customer_only)
    return by_severity([ticket.severity for ticket in tickets])


def by_severity(severities: list[str]) -> dict[str, int]:
    counts = {s: 0 for s in SEVERITIES}
    for severity in severities:
        counts[severity] = counts.get(severity, 0) + 1
    return counts


async def next_payment(tx: Tx, project: Project, today: date) -> PaymentDue | None:
    """The unpaid payment milestone due first (those with no date yet come last)."""
    return first_payment(await receivables(tx, unpaid_only=True, project_ids=[project.id]), today)


def first_payment(rows: list[Receivable], today: date) -> PaymentDue | None:
    rows = [r for r in rows if not r.settled]
    if not rows:
        return None
    row = min(rows, key=lambda r: (r.due is None, r.due or r.planned or date.max))
    return PaymentDue(row.milestone.name, row.outstanding, row.due, row.days_overdue(today))


async def _moved(tx: Tx, project: Project, since: datetime, until: datetime) -> list[Moved]:
    return moved(await tx.progress.updates(project.id, since, until),
                 await tx.projects.milestones(project.id))


def moved(updates: list[MilestoneUpdate], milestones: list[Milestone]) -> list[Moved]:
    """Each milestone that moved in the window, from its first old value to its last new one."""
    first: dict[int, int] = {}
    last: dict[int, int] = {}
    for update in updates:
        first.setdefault(update.milestone_id, update.old_progress)
        last[update.milestone_id] = update.new_progress
    names = {m.id: m.name for m in milestones}
    return [Moved(names.get(i, "?"), first[i], last[i]) for i in first if first[i] != last[i]]
