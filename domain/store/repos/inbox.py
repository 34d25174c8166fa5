"""The inbox, read side: what waits to be handled, and its removal in the handling transaction."""
from __future__ import annotations

from datetime import datetime
from typing import Collection

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.store.models import InboxEvent


class InboxRepo:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def waiting(self, now: datetime, *, after_id: int = 0, limit: int = 200,
                      skip: Collection[int] = ()) -> list[InboxEvent]:
        """Oldest first: rows whose time has come, newer than `after_id`, not in `skip`."""
        query = (select(InboxEvent).where(InboxEvent.not_before <= now, InboxEvent.id > after_id)
                 .order_by(InboxEvent.id).limit(limit + len(skip)))
        rows = list(await self.session.scalars(query))
        return [row for row in rows if row.id not in skip][:limit]

    async def remove(self, platform: str, event_id: str) -> None:
        """The event is handled (in this transaction)."""
        await self.session.execute(delete(InboxEvent).where(
            InboxEvent.platform == platform, InboxEvent.event_id == event_id))

    async def postpone(self, row_id: int, until: datetime) -> None:
        """Handling failed for a reason that may pass (the database was busy): try later."""
        await self.session.execute(update(InboxEvent).where(InboxEvent.id == row_id).values(
            not_before=until, attempts=InboxEvent.attempts + 1))

    async def count(self) -> int:
        return int(await self.session.scalar(select(func.count()).select_from(InboxEvent)) or 0)
