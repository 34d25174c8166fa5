"""What the customer's project page shows: milestones planned vs actual, recent daily logs with
photos, the customer's open and recent tickets, payment milestones, site inspections and
acceptance records (page_site.py). Customer-safe fields only:
internal notes, costs, change requests, people's contact details and tickets the customer may not
see (domain/tickets/visibility.py) are never read here."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from domain.finance.ledger import receivables
from domain.progress.page_site import PageAcceptance, PageInspection, acceptances, inspections, viewable
from domain.progress.plan import MilestoneView, overall_percent, views
from domain.store.models import Project
from domain.store.uow import Tx


@dataclass(frozen=True)
class PageLog:
    day: date
    author: str
    weather: str | None
    crew: int | None
    work_done: str
    issues: str | None
    photos: tuple[str, ...]     # URLs or /media/ paths a browser can open
    other_photos: int           # kept on the platform only (not viewable from the page)


@dataclass(frozen=True)
class PageTicket:
    number: str
    title: str
    category: str
    severity: str
    status: str
    reported: datetime
    updated: datetime


@dataclass(frozen=True)
class PagePayment:
    name: str
    amount: Decimal
    paid: Decimal
    due: date | None
    state: str                  # paid | overdue | due | scheduled | awaiting


@dataclass(frozen=True)
class ProjectPage:
    code: str
    name: str
    address: str | None
    today: date
    percent: int
    milestones: list[MilestoneView]
    first: date                 # the Gantt chart's range
    last: date
    logs: list[PageLog]
    tickets: list[PageTicket]
    payments: list[PagePayment]
    inspections: list[PageInspection]
    acceptances: list[PageAcceptance]


async def project_page(tx: Tx, project: Project, today: date, now: datetime, log_days: int) -> ProjectPage:
    milestones = await tx.projects.milestones(project.id)
    shown = views(milestones, today)
    dates = [d for m in shown for d in (m.planned_start, m.planned_end, m.actual_start, m.actual_end,
                                        m.projected_end) if d] + [today]
    return ProjectPage(project.code, project.name, project.address, today, overall_percent(milestones),
                       shown, min(dates), max(dates), await _logs(tx, project, today, log_days),
                       await _tickets(tx, project, now), await _payments(tx, project, today),
                       await inspections(tx, project, now), await acceptances(tx, project))


async def _logs(tx: Tx, project: Project, today: date, days: int) -> list[PageLog]:
    out = []
    for log in await tx.progress.logs(project.id, today - timedelta(days=days - 1), today):
        author = await tx.people.get(log.author_id)
        photos = tuple(p for p in (log.photos or ()) if viewable(p))
        out.append(PageLog(log.log_date, author.name if author else "-", log.weather, log.crew_count,
                           log.work_done, log.issues, photos, len(log.photos or ()) - len(photos)))
    return out


async def _tickets(tx: Tx, project: Project, now: datetime) -> list[PageTicket]:
    return [PageTicket(t.number, t.title, t.category, t.severity, t.status, t.created_at, t.updated_at)
            for t in await tx.progress.recent_tickets(project.id, now - timedelta(days=30),
                                                      customer_only=True)]


async def _payments(tx: Tx, project: Project, today: date) -> list[PagePayment]:
    out = []
    for row in await receivables(tx, unpaid_only=False, project_ids=[project.id]):
        if row.settled:
            state = "paid"
        elif row.due is None:
            state = "awaiting"          # follows a milestone not reached yet
        elif row.due < today:
            state = "overdue"
        elif (row.due - today).days <= 30:
            state = "due"
        else:
            state = "scheduled"
        out.append(PagePayment(row.milestone.name, row.milestone.amount, row.paid,
                               row.due or row.planned, state))
    return out
