"""Milestone updates, daily logs, and the read queries behind digests and the project page."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.store.models import (Contact, DailyLog, Milestone, Person, Project, ScheduledRun,
                                 Ticket, TicketAttachment)
from domain.store.models.progress import MilestoneUpdate

OPEN = ("open", "in_progress")


def _seen_by(customer_only: bool) -> tuple:
    """Conditions on Ticket for what the reader may see: the customer sees only their tickets
    (Ticket.customer_visible, domain/tickets/visibility.py), the site team all of them."""
    return (Ticket.customer_visible,) if customer_only else ()


class ProgressRepo:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def milestone(self, milestone_id: int) -> Milestone | None:
        return await self.session.get(Milestone, milestone_id)

    def record_update(self, update: MilestoneUpdate) -> None:
        self.session.add(update)

    async def updates(self, project_id: int, since: datetime, until: datetime) -> list[MilestoneUpdate]:
        return list(await self.session.scalars(
            select(MilestoneUpdate).where(MilestoneUpdate.project_id == project_id,
                                          MilestoneUpdate.at >= since, MilestoneUpdate.at < until)
            .order_by(MilestoneUpdate.at, MilestoneUpdate.id)))

    async def log_of(self, project_id: int, day: date, author_id: int) -> DailyLog | None:
        return await self.session.scalar(select(DailyLog).where(
            DailyLog.project_id == project_id, DailyLog.log_date == day,
            DailyLog.author_id == author_id))

    async def logs(self, project_id: int, first: date, last: date) -> list[DailyLog]:
        """Logs dated first..last (inclusive), newest day first."""
        return list(await self.session.scalars(
            select(DailyLog).where(DailyLog.project_id == project_id, DailyLog.log_date >= first,
                                   DailyLog.log_date <= last)
            .order_by(DailyLog.log_date.desc(), DailyLog.id)))

    async def open_tickets(self, project_id: int, customer_only: bool = False) -> list[Ticket]:
        return list(await self.session.scalars(
            select(Ticket).where(Ticket.project_id == project_id, Ticket.status.in_(OPEN),
                                 *_seen_by(customer_only))
            .order_by(Ticket.id)))

    async def recent_tickets(self, project_id: int, since: datetime, limit: int = 30,
                             customer_only: bool = False) -> list[Ticket]:
        """Open tickets and those changed since `since`, newest first."""
        return list(await self.session.scalars(
            select(Ticket).where(Ticket.project_id == project_id,
                                 or_(Ticket.status.in_(OPEN), Ticket.updated_at >= since),
                                 *_seen_by(customer_only))
            .order_by(Ticket.id.desc()).limit(limit)))

    async def tickets_touched(self, project_id: int, since: datetime, until: datetime,
                              customer_only: bool = False) -> int:
        """Tickets reported, changed or closed in the window (activity for the digest)."""
        return int(await self.session.scalar(
            select(func.count(Ticket.id)).where(
                Ticket.project_id == project_id, *_seen_by(customer_only),
                or_(Ticket.created_at.between(since, until), Ticket.updated_at.between(since, until))))
            or 0)

    async def tickets_opened_closed(self, project_id: int, since: datetime,
                                    until: datetime) -> tuple[int, int]:
        opened = await self.session.scalar(select(func.count(Ticket.id)).where(
            Ticket.project_id == project_id, Ticket.created_at >= since, Ticket.created_at < until))
        closed = await self.session.scalar(select(func.count(Ticket.id)).where(
            Ticket.project_id == project_id, Ticket.closed_at >= since, Ticket.closed_at < until))
        return int(opened or 0), int(closed or 0)

    async def ticket_image_counts(self, ticket_ids: list[int]) -> dict[int, int]:
        if not ticket_ids:
            return {}
        rows = await self.session.execute(
            select(TicketAttachment.ticket_id, func.count(TicketAttachment.id))
            .where(TicketAttachment.ticket_id.in_(ticket_ids), TicketAttachment.kind == "image")
            .group_by(TicketAttachment.ticket_id))
        return {ticket_id: int(count) for ticket_id, count in rows}

    async def claimed(self, keys: list[str]) -> set[str]:
        """Which of these scheduled-run keys were performed already (one query per 500)."""
        done: set[str] = set()
        for start in range(0, len(keys), 500):
            chunk = keys[start:start + 500]
            done.update(await self.session.scalars(select(ScheduledRun.key).where(ScheduledRun.key.in_(chunk))))
        return done

    async def active_projects(self) -> list[Project]:
        return list(await self.session.scalars(
            select(Project).where(Project.status == "active").order_by(Project.id)))

    async def digest_contacts(self, customer_id: int) -> list[Person]:
        """The customer's contacts who asked for the daily digest and can be messaged."""
        return list(await self.session.scalars(
            select(Person).join(Contact, Contact.person_id == Person.id)
            .where(Contact.customer_id == customer_id, Contact.wants_digest.is_(True),
                   Person.active.is_(True)).order_by(Contact.id)))

    # Many projects at once (the daily digest pass): one query per table, grouped by project,
    # each list in the order the one-project query above gives.

    async def updates_of(self, project_ids: list[int], since: datetime,
                         until: datetime) -> dict[int, list[MilestoneUpdate]]:
        found: dict[int, list[MilestoneUpdate]] = {i: [] for i in project_ids}
        for row in await self.session.scalars(
                select(MilestoneUpdate).where(MilestoneUpdate.project_id.in_(list(set(project_ids))),
                                              MilestoneUpdate.at >= since, MilestoneUpdate.at < until)
                .order_by(MilestoneUpdate.at, MilestoneUpdate.id)):
            found[row.project_id].append(row)
        return found

    async def logs_of(self, project_ids: list[int], first: date, last: date) -> dict[int, list[DailyLog]]:
        found: dict[int, list[DailyLog]] = {i: [] for i in project_ids}
        for row in await self.session.scalars(
                select(DailyLog).where(DailyLog.project_id.in_(list(set(project_ids))),
                                       DailyLog.log_date >= first, DailyLog.log_date <= last)
                .order_by(DailyLog.log_date.desc(), DailyLog.id)):
            found[row.project_id].append(row)
        return found

    async def tickets_touched_of(self, project_ids: list[int], since: datetime,
                                 until: datetime, customer_only: bool = False) -> dict[int, int]:
        found = {i: 0 for i in project_ids}
        rows = await self.session.execute(
            select(Ticket.project_id, func.count(Ticket.id)).where(
                Ticket.project_id.in_(list(set(project_ids))), *_seen_by(customer_only),
                or_(Ticket.created_at.between(since, until), Ticket.updated_at.between(since, until)))
            .group_by(Ticket.project_id))
        found.update({project_id: int(count) for project_id, count in rows})
        return found

    async def open_severities(self, project_ids: list[int],
                              customer_only: bool = False) -> dict[int, dict[str, int]]:
        """Open tickets counted by severity, per project."""
        found: dict[int, dict[str, int]] = {i: {} for i in project_ids}
        rows = await self.session.execute(
            select(Ticket.project_id, Ticket.severity, func.count(Ticket.id))
            .where(Ticket.project_id.in_(list(set(project_ids))), Ticket.status.in_(OPEN),
                   *_seen_by(customer_only))
            .group_by(Ticket.project_id, Ticket.severity))
        for project_id, severity, count in rows:
            found[project_id][severity] = int(count)
        return found

    async def digest_contacts_of(self, customer_ids: list[int]) -> dict[int, list[Person]]:
        found: dict[int, list[Person]] = {i: [] for i in customer_ids}
        rows = await self.session.execute(
            select(Contact.customer_id, Person).join(Contact, Contact.person_id == Person.id)
            .where(Contact.customer_id.in_(list(set(customer_ids))), Contact.wants_digest.is_(True),
                   Person.active.is_(True)).order_by(Contact.id))
        for customer_id, person in rows:
            found[customer_id].append(person)
        return found
