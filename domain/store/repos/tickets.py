"""Ticket queries."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.enums import OPEN_STATUSES, TicketStatus
from domain.store.models import Person, ReportDraft, Ticket, TicketAttachment, TicketEvent, TicketSurvey

_OPEN = [s.value for s in OPEN_STATUSES]


class TicketsRepo:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, ticket_id: int) -> Ticket | None:
        return await self.session.get(Ticket, ticket_id)

    async def open_for(self, person_id: int, limit: int = 20, *,
                       customer_projects: list[int] | None = None) -> list[Ticket]:
        """Open tickets the person is assigned to or reported, most urgent first.
        `customer_projects`: only those projects' customer-visible tickets (for a
        customer-facing chat)."""
        query = select(Ticket).where(Ticket.status.in_(_OPEN), or_(
            Ticket.assignee_id == person_id, Ticket.reporter_id == person_id))
        if customer_projects is not None:
            query = query.where(Ticket.project_id.in_(customer_projects or [-1]), Ticket.customer_visible)
        return list(await self.session.scalars(query.order_by(Ticket.resolve_due_at, Ticket.id).limit(limit)))

    async def due(self, now: datetime, limit: int = 500) -> list[int]:
        """Tickets whose next SLA step is due, earliest first. Range scan of ix_tickets_next_due:
        the cost is the number of due tickets, whatever the size of the table."""
        return list(await self.session.scalars(
            select(Ticket.id).where(Ticket.next_due_at.is_not(None), Ticket.next_due_at <= now)
            .order_by(Ticket.next_due_at).limit(limit)))

    async def overdue(self, now: datetime, project_ids: list[int] | None,
                      limit: int = 30) -> list[Ticket]:
        """Open, running tickets past their accept (not yet accepted) or resolve deadline."""
        late = or_(and_(Ticket.status == TicketStatus.OPEN.value, Ticket.accept_due_at < now),
                   Ticket.resolve_due_at < now)
        query = select(Ticket).where(Ticket.status.in_(_OPEN), Ticket.sla_since.is_not(None), late)
        if project_ids is not None:
            query = query.where(Ticket.project_id.in_(project_ids or [-1]))
        return list(await self.session.scalars(
            query.order_by(Ticket.resolve_due_at, Ticket.id).limit(limit)))

    async def latest_reported_in(self, person_id: int, platform: str, chat_id: str,
                                 since: datetime) -> Ticket | None:
        """The person's newest open ticket reported in this chat since `since`."""
        return await self.session.scalar(
            select(Ticket).where(Ticket.reporter_id == person_id, Ticket.source_platform == platform,
                                 Ticket.source_chat_id == chat_id, Ticket.created_at >= since,
                                 Ticket.status.in_(_OPEN))
            .order_by(Ticket.id.desc()).limit(1))

    async def pending_draft(self, person_id: int, platform: str, chat_id: str,
                            since: datetime) -> ReportDraft | None:
        """The person's newest report draft in this chat since `since` not filed yet."""
        return await self.session.scalar(
            select(ReportDraft).where(ReportDraft.person_id == person_id, ReportDraft.platform == platform,
                                      ReportDraft.chat_id == chat_id, ReportDraft.created_at >= since,
                                      ReportDraft.ticket_id.is_(None))
            .order_by(ReportDraft.id.desc()).limit(1))

    async def events(self, ticket_id: int, limit: int = 30) -> list[TicketEvent]:
        rows = await self.session.scalars(
            select(TicketEvent).where(TicketEvent.ticket_id == ticket_id)
            .order_by(TicketEvent.id.desc()).limit(limit))
        return list(reversed(list(rows)))

    async def attachments(self, ticket_id: int) -> list[TicketAttachment]:
        return list(await self.session.scalars(
            select(TicketAttachment).where(TicketAttachment.ticket_id == ticket_id)
            .order_by(TicketAttachment.id)))

    async def image_counts(self, ticket_ids: list[int]) -> dict[int, int]:
        """How many photos each of these tickets has (those with none are left out), in one
        query: what `attachments` tells a ticket card, for many cards at once."""
        rows = await self.session.execute(
            select(TicketAttachment.ticket_id, func.count()).where(
                TicketAttachment.ticket_id.in_(ticket_ids), TicketAttachment.kind == "image")
            .group_by(TicketAttachment.ticket_id))
        return {ticket_id: count for ticket_id, count in rows}

    async def survey(self, ticket_id: int) -> TicketSurvey | None:
        return await self.session.scalar(select(TicketSurvey).where(TicketSurvey.ticket_id == ticket_id))

    async def surveys(self, *, project_id: int | None = None,
                      assignee_id: int | None = None) -> list[TicketSurvey]:
        query = select(TicketSurvey).where(TicketSurvey.score.is_not(None))
        if project_id is not None:
            query = query.where(TicketSurvey.project_id == project_id)
        if assignee_id is not None:
            query = query.where(TicketSurvey.assignee_id == assignee_id)
        return list(await self.session.scalars(query.order_by(TicketSurvey.id)))

    async def people_with_org_role(self, role: str) -> list[Person]:
        """Active people holding an org-wide role (a JSON list; filtered here, as the table of
        people is small and JSON containment differs between SQLite and PostgreSQL)."""
        rows = await self.session.scalars(select(Person).where(Person.active.is_(True))
                                          .order_by(Person.id))
        return [p for p in rows if role in (p.org_roles or ())]

    async def many(self, ids: list[int]) -> dict[int, Ticket]:
        """Load many tickets in one query (later `get`s of them are answered from memory)."""
        rows = await self.session.scalars(select(Ticket).where(Ticket.id.in_(list(set(ids)))))
        return {t.id: t for t in rows}
