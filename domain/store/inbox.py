"""Where the inbox lives, and its read side.

On PostgreSQL the inbox is a table of the main database (migration 0007): row locks let the
edge's group commits and the handlers' transactions run side by side. On SQLite a database has
one writer at a time, and a handler's transaction holds that lock for all of its work, so the
edge's commits would queue behind it and the platform would wait: there the inbox is a file
of its own beside the main one (`sitebot.db` → `sitebot.inbox.db`). Nothing needs both in one
transaction: an event is removed from the inbox after it was handled, and a crash between the
two only makes the event come round again, which the `(platform, event_id)` record in the main
database turns into a no-op. The signatures bound to events (models/signatures.py) live beside
the inbox rows, so one transaction writes both.
"""
from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Collection

from sqlalchemy import delete, func, select, update
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.store.engine import make_engine
from domain.store.models import InboxEvent, SignatureBinding


def inbox_url(database_url: str) -> str | None:
    """The inbox's own database for a SQLite URL; None where it shares the main one."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    path = Path(url.database)
    return str(url.set(database=str(path.with_name(f"{path.stem}.inbox{path.suffix or '.db'}"))))


class Inbox:
    def __init__(self, engine: AsyncEngine, *, owned: bool) -> None:
        self.engine, self._owned = engine, owned

    @classmethod
    async def open(cls, main: AsyncEngine, database_url: str) -> "Inbox":
        own = inbox_url(database_url)
        if own is None:
            return cls(main, owned=False)
        engine = make_engine(own, begin="BEGIN")   # readers must not hold the write lock
        async with engine.begin() as conn:   # a queue's two tables; no migrations needed
            for table in (InboxEvent.__table__, SignatureBinding.__table__):
                await conn.run_sync(lambda sync, table=table: table.create(sync, checkfirst=True))
        return cls(engine, owned=True)

    async def close(self) -> None:
        if self._owned:
            await self.engine.dispose()

    async def waiting(self, now: datetime, *, after_id: int = 0, limit: int = 200,
                      skip: Collection[int] = ()) -> list[InboxEvent]:
        """Oldest first: rows whose time has come, newer than `after_id`, not in `skip`."""
        table = InboxEvent.__table__
        query = (select(table).where(table.c.not_before <= now, table.c.id > after_id)
                 .order_by(table.c.id).limit(limit + len(skip)))
        async with self.engine.connect() as conn:
            rows = (await conn.execute(query)).all()
        return [InboxEvent(**row._asdict()) for row in rows if row.id not in skip][:limit]

    async def postpone(self, row_id: int, until: datetime) -> None:
        """Handling failed for a reason that may pass (the database was busy): try later."""
        async with self.engine.begin() as conn:
            await conn.execute(update(InboxEvent).where(InboxEvent.id == row_id).values(
                not_before=until, attempts=InboxEvent.attempts + 1))

    async def bound_signatures(self, platform: str) -> int:
        """How many signatures are bound to an event now (tests, health)."""
        query = select(func.count()).select_from(SignatureBinding).where(SignatureBinding.platform == platform)
        async with self.engine.connect() as conn:
            return int((await conn.execute(query)).scalar_one())

    async def empty(self) -> None:
        """Forget everything waiting and every binding (tests start from an empty database)."""
        async with self.engine.begin() as conn:
            await conn.execute(delete(InboxEvent))
            await conn.execute(delete(SignatureBinding))
