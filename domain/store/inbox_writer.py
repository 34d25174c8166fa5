"""The inbox, write side: many verified events stored in one transaction (group commit), and
handled ones removed in the same batches.

An edge awaits `put` and answers the platform only once it returns, so a 200 always means the
event is on disk. While one batch commits, the next one gathers; under load a commit carries
hundreds of events, so the cost per event is a fraction of a transaction. When too many events
already wait for a commit, `put` refuses at once (`InboxFull`): the edge then answers with a
status that makes the platform deliver again, instead of queueing without bound.

An event may come with a signature that signs no content (DingTalk's signs only a timestamp):
such a signature vouches for the first event stored with it and for no other. The batch binds
each signature to its event in the same transaction that stores the event, so every process
sees the binding and a crash cannot leave one without the other; an event whose signature is
already bound to another is not stored, and what the edge gave to store in its place is.
Bindings are removed once their signature could no longer pass the platform's time check.
"""
from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Callable

from sqlalchemy import bindparam, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from domain.store.models import InboxEvent, SignatureBinding

log = logging.getLogger(__name__)
REMOVAL_GATHER_SECONDS = 0.25
# Bindings are kept this long after their signature's validity ends (replicas' clocks differ,
# and one a little behind would still accept the signature) and purged at most this often.
KEEP_BINDINGS_AFTER = timedelta(minutes=10)
PURGE_BINDINGS_EVERY = timedelta(minutes=5)


class InboxFull(Exception):
    """More events wait for a commit than the writer takes; ask the platform to retry."""


class InboxDown(Exception):
    """The batch could not be stored (the database failed); nothing of it was acknowledged."""


@dataclass(frozen=True)
class SignatureClaim:
    """`signature` (a digest of it) may vouch for one event only, until `valid_until`. When it
    is already bound to another event, `instead` ((event_id, event), if any) is stored."""
    signature: str
    valid_until: datetime
    instead: tuple[str, dict[str, Any]] | None = None


@dataclass(frozen=True)
class Arrival:
    platform: str
    event_id: str
    event: dict[str, Any] | None       # None: nothing to handle, only the signature to bind
    received_at: datetime
    not_before: datetime
    signature: SignatureClaim | None = None


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
        # The first event stored with a signature keeps it (in the batch and across processes).
        bindings = SignatureBinding.__table__
        self._bind = (insert(bindings).on_conflict_do_nothing(index_elements=["platform", "signature"])
                      .returning(bindings.c.platform, bindings.c.signature, bindings.c.event_id))
        self._purged_at: datetime | None = None

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

    async def put(self, arrival: Arrival) -> bool:
        """Returns once the event is durably stored; raises InboxFull or InboxDown. False when
        its signature was bound to another event (then only `instead` was stored)."""
        if len(self._waiting) >= self.max_waiting:
            raise InboxFull()
        future = asyncio.get_running_loop().create_future()
        self._waiting.append((arrival, future))
        self._wake.set()
        self._arrived.set()
        return await future

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
        arrivals = [a for a, _ in batch]
        try:
            async with self.engine.begin() as conn:
                owners = await self._bind_signatures(conn, arrivals)
                taken = [a.signature is None or owners.get((a.platform, a.signature.signature)) == a.event_id
                         for a in arrivals]
                rows = [row for a, own in zip(arrivals, taken) for row in _rows(a, own)]
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
        for (_, future), own in zip(batch, taken):
            if not future.done():
                future.set_result(own)
        if rows:
            self.on_stored()

    async def _bind_signatures(self, conn: AsyncConnection,
                               arrivals: list[Arrival]) -> dict[tuple[str, str], str]:
        """Bind each new signature to the first event of the batch that carries it; returns
        (platform, signature) -> the event it is bound to, for every signature in the batch:
        the insert returns those it bound, a select reads the others. A binding another process
        is writing now holds our insert until it commits, and the select after it then sees
        that binding (read committed)."""
        first: dict[tuple[str, str], Arrival] = {}
        for arrival in arrivals:
            if arrival.signature is not None:
                first.setdefault((arrival.platform, arrival.signature.signature), arrival)
        if not first:
            return {}
        table = SignatureBinding.__table__
        # One order for every process's inserts, so two batches cannot wait on each other.
        inserted = await conn.execute(self._bind, [
            {"platform": p, "signature": s, "event_id": a.event_id, "valid_until": a.signature.valid_until}
            for (p, s), a in sorted(first.items(), key=lambda item: item[0])])
        owners = {(p, s): e for p, s, e in inserted}
        bound_before = sorted({signature for (platform, signature) in first if (platform, signature) not in owners})
        if bound_before:   # bound before (a retry, or another message with the same signature)
            found = await conn.execute(select(table.c.platform, table.c.signature, table.c.event_id)
                                       .where(table.c.signature.in_(bound_before)))
            owners.update({(p, s): e for p, s, e in found})
        now = max(a.received_at for a in first.values())
        if self._purged_at is None or now - self._purged_at >= PURGE_BINDINGS_EVERY:
            await conn.execute(table.delete().where(table.c.valid_until < now - KEEP_BINDINGS_AFTER))
            self._purged_at = now
        return owners


def _rows(arrival: Arrival, own: bool) -> list[dict[str, Any]]:
    """The inbox row an arrival stores: its event when the signature (if any) is its own,
    otherwise what it brought to store instead (if anything)."""
    if own:
        stored = (arrival.event_id, arrival.event) if arrival.event is not None else None
    else:
        stored = arrival.signature.instead if arrival.signature is not None else None
    if stored is None:
        return []
    return [{"platform": arrival.platform, "event_id": stored[0], "event": stored[1],
             "received_at": arrival.received_at, "not_before": arrival.not_before, "attempts": 0}]
