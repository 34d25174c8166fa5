"""Inbound de-duplication: (platform, event_id) is unique in the database, so it holds across
processes and restarts."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from domain.store.models import InboundEvent


class InboundRepo:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, platform: str, event_id: str) -> InboundEvent | None:
        return await self.session.scalar(select(InboundEvent).where(
            InboundEvent.platform == platform, InboundEvent.event_id == event_id))

    async def claim(self, platform: str, event_id: str, kind: str, now: datetime) -> InboundEvent | None:
        """Insert the event; None when it was seen before (also by a concurrent process)."""
        if await self.get(platform, event_id) is not None:
            return None
        row = InboundEvent(platform=platform, event_id=event_id, kind=kind, status="received",
                           response={}, received_at=now)
        try:
            async with self.session.begin_nested():
                self.session.add(row)
        except IntegrityError:
            return None
        return row

    @staticmethod
    def finish(row: InboundEvent, status: str, response: dict[str, Any]) -> None:
        row.status = status
        row.response = response
