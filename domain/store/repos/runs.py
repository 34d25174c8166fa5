"""Claims on scheduled effects. The unique key is the exactly-once guarantee: two processes,
or a restart that re-runs a missed job, cannot both win the same key."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
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

    async def claim_many(self, keys: list[str], now: datetime, by: str | None = None) -> set[str]:
        """Claim many keys in one statement; returns those this transaction now owns (a key
        claimed before, or by a transaction that commits first, is not among them). Keys are
        inserted in sorted order, so two claimers of overlapping keys wait rather than
        deadlock."""
        keys = sorted(set(keys))
        if not keys:
            return set()
        dialect = postgresql if self.session.bind.dialect.name == "postgresql" else sqlite
        table = ScheduledRun.__table__
        statement = (dialect.insert(table).on_conflict_do_nothing(index_elements=["key"])
                     .returning(table.c.key))
        rows = await self.session.execute(
            statement, [{"key": key, "claimed_at": now, "claimed_by": by} for key in keys])
        return set(rows.scalars())

    async def unclaim(self, key: str) -> None:
        """Give up a claim this transaction made (its effect failed): the next pass tries again."""
        await self.session.execute(delete(ScheduledRun).where(ScheduledRun.key == key))
