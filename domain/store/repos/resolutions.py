"""Queries behind the resolution note (domain/tickets/resolution.py). Bound to a transaction by
`resolutions_repo(tx)` (the unit of work's own repositories are not changed for it)."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.store.models.resolutions import TicketResolution

if TYPE_CHECKING:
    from domain.store.uow import Tx


class ResolutionsRepo:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def latest(self, ticket_id: int) -> TicketResolution | None:
        return await self.session.scalar(
            select(TicketResolution).where(TicketResolution.ticket_id == ticket_id)
            .order_by(TicketResolution.id.desc()).limit(1))

    async def open_for(self, person_id: int, platform: str, chat_id: str,
                       now: datetime) -> TicketResolution | None:
        """The resolution this person's next message in this chat still adds to: asked and
        not answered, or given (photos may follow), before its time is up."""
        return await self.session.scalar(
            select(TicketResolution).where(TicketResolution.resolver_id == person_id,
                                           TicketResolution.state.in_(("asked", "given")),
                                           TicketResolution.platform == platform,
                                           TicketResolution.chat_id == chat_id,
                                           TicketResolution.answer_by > now)
            .order_by(TicketResolution.id.desc()).limit(1))

    async def unanswered(self, now: datetime, limit: int = 500) -> list[TicketResolution]:
        """Asks whose time is up with nothing said: their confirmer is still to be asked."""
        return list(await self.session.scalars(
            select(TicketResolution).where(TicketResolution.state == "asked",
                                           TicketResolution.answer_by <= now)
            .order_by(TicketResolution.answer_by).limit(limit)))

    async def get(self, resolution_id: int) -> TicketResolution | None:
        return await self.session.get(TicketResolution, resolution_id)


def resolutions_repo(tx: "Tx") -> ResolutionsRepo:
    return ResolutionsRepo(tx.session)
