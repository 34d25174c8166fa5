"""Ticket queries."""
from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.enums import OPEN_STATUSES
from domain.store.models import Ticket, TicketAttachment, TicketEvent

_OPEN = [s.value for s in OPEN_STATUSES]


class TicketsRepo:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, ticket_id: int) -> Ticket | None:
        return await self.session.get(Ticket, ticket_id)

    async def open_for(self, person_id: int, limit: int = 20) -> list[Ticket]:
        """Open tickets the person is assigned to or reported, most urgent first."""
        return list(await self.session.scalars(
            select(Ticket).where(Ticket.status.in_(_OPEN),
                                 or_(Ticket.assignee_id == person_id, Ticket.reporter_id == person_id))
            .order_by(Ticket.resolve_due_at, Ticket.id).limit(limit)))

    async def events(self, ticket_id: int, limit: int = 10) -> list[TicketEvent]:
        rows = await self.session.scalars(
            select(TicketEvent).where(TicketEvent.ticket_id == ticket_id)
            .order_by(TicketEvent.id.desc()).limit(limit))
        return list(reversed(list(rows)))

    async def attachments(self, ticket_id: int) -> list[TicketAttachment]:
        return list(await self.session.scalars(
            select(TicketAttachment).where(TicketAttachment.ticket_id == ticket_id)
            .order_by(TicketAttachment.id)))
