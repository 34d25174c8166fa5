"""The inbox, write side: many verified events stored in one transaction (group commit), and
handled ones removed in the same batches.

An edge awaits `put` and answers the platform only once it returns, so a 200 always means the
event is on disk. While one batch commits, the next one gathers; under load a commit carries
hundreds of events, so the cost per event is a fraction of a transaction. When too many events
already wait for a commit, `put` refuses at once (`InboxFull`): the edge then answers with a
status that makes the platform deliver again, instead of queueing without bound.
"""
from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Callable

from sqlalchemy import bindparam
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.store.models import InboxEvent

log = logging.getLogger(__name__)
REMOVAL_GATHER_SECONDS = 0.25


class InboxFull(Exception):
    """More events wait for a commit than the writer takes; ask the platform to retry."""


class InboxDown(Exception):
    """The batch could not be stored (the database failed); nothing of it was acknowledged."""


@dataclass(frozen=True)
class Arrival:
    platform: str
    event_id: str
    event: dict[str, Any]
    received_at: datetime
    not_before: datetime


class InboxWriter:
    def __init__(self, engine: AsyncEngine, *, max_waiting: int = 5000, max_batch: int = 1000,
                 on_stored: Callable[[], None] = lambda: None) -> None:
        self.engine, self.max_waiting, self.max_batch = engine, max_waiting, max_batch
        self.on_stored = on_stored
        self._waiting: list[tuple[Arrival, asyncio.Future]] = []
        self._handled: list[tuple[str, str]] = []     # (platform, event_id) to remove
        self._wake = asyncio.Event()
        self._arrived = asyncio.Event()
        self._task: asyncio.Task | None = None
        insert = postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert
        # A platform's retry of an event already stored is stored once.
        table = InboxEvent.__table__
        self._statement = insert(table).on_conflict_do_nothing(index_elements=["platform", "event_id"])
        self._remove = table.delete().where(table.c.platform == bindparam("p"),
                                            table.c.event_id == bindparam("e"))

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="inbox-writer")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None
        if self._handled:   # the last removals, so a clean restart does not see them again
            handled, self._handled = self._handled, []
            await self._store([], handled)
        for _, future in self._waiting:
            if not future.done():
                future.set_exception(InboxDown("shutting down"))
        self._waiting.clear()

    def handled(self, platform: str, event_id: str) -> None:
        """The event was handled: its row goes with the next batch (not awaited; if it is lost
        in a crash, the event comes round once more and is recognised as handled)."""
        self._handled.append((platform, event_id))
        self._wake.set()

    async def flush(self) -> None:
        """Write what waits now (tests, and a drain that wants its removals on disk)."""
        while self._waiting or self._handled:
            batch, self._waiting = self._waiting[:self.max_batch], self._waiting[self.max_batch:]
            handled, self._handled = self._handled, []
            await self._store(batch, handled)

    async def put(self, arrival: Arrival) -> None:
        """Returns once the event is durably stored; raises InboxFull or InboxDown."""
        if len(self._waiting) >= self.max_waiting:
            raise InboxFull()
        future = asyncio.get_running_loop().create_future()
        self._waiting.append((arrival, future))
        self._wake.set()
        self._arrived.set()
        await future

    async def _run(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            if not self._waiting:
                # Only removals: nobody waits for them, so gather a few hundred milliseconds'
                # worth into one transaction rather than taking the write lock for each (an
                # arrival ends the wait: it goes at once, and takes the removals with it).
                self._arrived.clear()
                try:
                    await asyncio.wait_for(self._arrived.wait(), REMOVAL_GATHER_SECONDS)
                except asyncio.TimeoutError:
                    pass
            await self.flush()

    async def _store(self, batch: list[tuple[Arrival, asyncio.Future]],
                     handled: list[tuple[str, str]]) -> None:
        rows = [{"platform": a.platform, "event_id": a.event_id, "event": a.event,
                 "received_at": a.received_at, "not_before": a.not_before, "attempts": 0}
                for a, _ in batch]
        try:
            async with self.engine.begin() as conn:
                if rows:
                    await conn.execute(self._statement, rows)
                if handled:
                    await conn.execute(self._remove, [{"p": p, "e": e} for p, e in handled])
        except Exception as error:  # report to every waiting edge; none of them answers 200
            log.error("inbox: could not store %d events: %s", len(batch), error)
            self._handled = handled + self._handled   # removals are tried again
            for _, future in batch:
                if not future.done():
                    future.set_exception(InboxDown(str(error)))
            return
        for _, future in batch:
            if not future.done():
                future.set_result(None)
        if rows:
            self.on_stored()
