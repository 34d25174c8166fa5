"""What the daily digest and the weekly report say, read from the store. The customer digest is
built from customer-safe fields only (no internal notes, no costs): it never reads them; and it
counts only the tickets the customer may see (domain/tickets/visibility.py)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from domain.finance.ledger import Receivable, receivables
from domain.progress.logs import merged_weather, tidy
from domain.progress.plan import MilestoneView, overall_percent, views
from domain.progress.site_news import Finding, InspectionNews, week_inspections
from domain.store.models import ChangeRequest, DailyLog, Milestone, MilestoneUpdate, Project
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
class ChangeNews:
    """An approved change as the customer reads it: its kind and what moved (not its title,
    which is often the reason as typed, nor the approvers). Dates as ISO strings, amounts as
    strings, (before, after)."""
    kind: str
    days: int
    project_end: tuple[str, str] | None
    contract: tuple[str, str] | None

    @classmethod
    def of(cls, change: ChangeRequest) -> "ChangeNews":
        effect = change.effect or {}
        schedule = effect.get("schedule") or {}
        end = schedule.get("project_end")
        contract = effect.get("contract")
        return cls(change.kind, int(schedule.get("days") or 0), tuple(end) if end else None,
                   (contract["before"], contract["after"]) if contract else None)


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
    changes: tuple[ChangeNews, ...] = ()  # approved since the last digest
    inspections: tuple[InspectionNews, ...] = ()  # started since the last digest

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
    inspections: tuple[InspectionNews, ...] = ()   # 巡检 started in the week
    findings: tuple[Finding, ...] = ()             # internal: their failed items and tickets

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
    inspections, findings = await week_inspections(tx, project.id, since, until)
    return WeeklyReport(
        code=project.code, name=project.name, first=first, last=last,
        percent=overall_percent(milestones), milestones=views(milestones, last),
        moved=await _moved(tx, project, since, until), log_days=len({log.log_date for log in logs}),
        crew_days=crew_days(logs),
        cost=sum((log.cost or Decimal("0.00") for log in logs), Decimal("0.00")),
        internal_notes=tuple(log.internal_note for log in logs if log.internal_note),
        opened=opened, closed=closed, open_tickets=await open_by_severity(tx, project),
        inspections=inspections, findings=findings)


def summarise(logs: list[DailyLog]) -> LogSummary | None:
    """Customer-safe summary of one day's logs (internal notes and costs are not read): one
    weather (the turn of the day, "晴转雨", from the first log written to the latest), the crew
    once (day_crew), the work and issues without empty fragments."""
    if not logs:
        return None
    logs = sorted(logs, key=lambda log: (log.updated_at or log.created_at, log.id or 0))
    weather = None
    for log in logs:
        weather = merged_weather(weather, log.weather)
    lines = (tidy(log.work_done) for log in logs if log.work_done)
    issues = (tidy(log.issues) for log in logs if log.issues)
    return LogSummary(lines=tuple(line for line in lines if line), weather=weather,
                      crew=day_crew(logs), issues=tuple(issue for issue in issues if issue),
                      photos=sum(len(log.photos or ()) for log in logs))


def day_crew(logs: list[DailyLog]) -> int:
    """People on site that day: the largest count any one log gives. The 施工员 and the 安全员
    each log the same crew (30 and 25 are not 55 people); a log's own count is already its
    latest (logs.write_log)."""
    return max((log.crew_count or 0 for log in logs), default=0)


def crew_days(logs: list[DailyLog]) -> int:
    """人次 over several days: each day's crew once."""
    by_day: dict[date, list[DailyLog]] = {}
    for log in logs:
        by_day.setdefault(log.log_date, []).append(log)
    return sum(day_crew(day) for day in by_day.values())


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
