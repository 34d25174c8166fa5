"""Claims on scheduled effects. The unique key is the exactly-once guarantee: two processes,
or a restart that re-runs a missed job, cannot both win the same key."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from domain.store.models import ScheduledRun


class RunsRepo:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def claim(self, key: str, now: datetime, by: str | None = None) -> bool:
        """True if this transaction now owns `key`; False if it was claimed before."""
        if await self.session.scalar(select(ScheduledRun.id).where(ScheduledRun.key == key)):
            return False
        try:
            async with self.session.begin_nested():
                self.session.add(ScheduledRun(key=key, claimed_at=now, claimed_by=by))
        except IntegrityError:
            return False
        return True

    async def done(self, key: str) -> bool:
        return bool(await self.session.scalar(select(ScheduledRun.id).where(ScheduledRun.key == key)))
