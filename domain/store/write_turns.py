"""Turns for SQLite's write lock among one process's transactions, first come first served.

Every transaction on the main database starts with BEGIN IMMEDIATE (it takes the write lock).
One that finds the lock taken tries again after a sleep, with backoff up to 50 ms
(sqlite_inline.py). Without turns, a transaction that ends and begins the next at once — the
inbox consumer working through a backlog — takes the lock again before a sleeper's next try: in
`sitebot work`, the delivery worker's pass waited up to 3.5 s for the lock while 50 reports a
second were handled, and replies went out in bursts with seconds of nothing between them.

So a BEGIN IMMEDIATE that finds others of this process waiting queues behind them; the first in
the queue tries when a transaction of this process ends (and on its own backoff, for a lock
another process holds). Other processes still see plain SQLite locking.
"""
from __future__ import annotations

import asyncio
import sqlite3
import time
import weakref
from collections import deque
from contextvars import ContextVar
from typing import Any, Callable

SQLITE_BUSY = 5
_FIRST_WAIT, _MAX_WAIT = 0.001, 0.05
# Who is asking for the lock (the delivery worker sets "delivery" in its tasks): its waits are
# counted apart (`LockWaits`), and URGENT writers queue ahead of the others (see WriteTurns).
WRITER: ContextVar[str] = ContextVar("sitebot_writer", default="")
URGENT = frozenset({"delivery"})
_TURNS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, "WriteTurns"]] = \
    weakref.WeakKeyDictionary()


def takes_write_lock(sql: str) -> bool:
    return sql.lstrip()[:15].upper() in ("BEGIN IMMEDIATE", "BEGIN EXCLUSIVE")


def turns_for(database: str) -> "WriteTurns":
    """The turns of this event loop's transactions on `database` (a file path)."""
    per_loop = _TURNS.setdefault(asyncio.get_running_loop(), {})
    turns = per_loop.get(database)
    if turns is None:
        turns = per_loop[database] = WriteTurns()
    return turns


def _busy(error: sqlite3.OperationalError) -> bool:
    return getattr(error, "sqlite_errorcode", None) == SQLITE_BUSY


class LockWaits:
    """Seconds each writer (WRITER) waited for the lock, gathered until `take` (figures for
    the delivery worker's log line; bounded, so nobody taking them costs nothing much)."""

    KEEP = 10_000

    def __init__(self) -> None:
        self._waits: dict[str, list[float]] = {}

    def add(self, writer: str, seconds: float) -> None:
        waits = self._waits.setdefault(writer, [])
        if len(waits) < self.KEEP:
            waits.append(seconds)

    def take(self, writer: str) -> list[float]:
        return self._waits.pop(writer, [])


LOCK_WAITS = LockWaits()


class WriteTurns:
    def __init__(self) -> None:
        self._queue: deque[asyncio.Event] = deque()
        self._urgent: set[asyncio.Event] = set()

    async def begin(self, timeout: float, call: Callable[[], Any]) -> Any:
        """`call()` (the BEGIN) in turn: at once when nobody of this process waits for the lock,
        else behind them. An URGENT writer (the delivery worker's short claim and outcome
        writes, which a reply waits for) tries at once and else queues ahead of the others (a
        group of handled events holds the lock for up to a few hundred ms; its reply should
        not wait behind the next group too). Raises SQLite's busy error after `timeout`
        seconds, as before."""
        writer = WRITER.get()
        urgent, asked = writer in URGENT, time.monotonic()
        last: sqlite3.OperationalError | None = None
        if not self._queue or (urgent and not self._urgent):
            try:
                result = call()
                LOCK_WAITS.add(writer, time.monotonic() - asked)
                return result
            except sqlite3.OperationalError as error:
                if not _busy(error):
                    raise
                last = error
        me = asyncio.Event()
        if urgent:   # behind the urgent ones already waiting, ahead of everyone else
            self._queue.insert(len(self._urgent), me)
            self._urgent.add(me)
        else:
            self._queue.append(me)
        deadline, wait, took = asked + timeout, _FIRST_WAIT, False
        try:
            while True:
                now = time.monotonic()
                if now >= deadline:
                    raise last or sqlite3.OperationalError("database is locked")
                if self._queue[0] is me:
                    try:
                        result = call()
                        took = True
                        LOCK_WAITS.add(writer, time.monotonic() - asked)
                        return result
                    except sqlite3.OperationalError as error:
                        if not _busy(error):
                            raise
                        last = error
                    pause, wait = min(wait, deadline - now), min(wait * 2, _MAX_WAIT)
                else:
                    pause = deadline - now   # until it is our turn
                me.clear()
                try:
                    await asyncio.wait_for(me.wait(), pause)
                except asyncio.TimeoutError:
                    pass
        finally:
            head = self._queue[0] is me
            self._queue.remove(me)
            self._urgent.discard(me)
            if head and not took and self._queue:   # left without the lock: the next one tries
                self._queue[0].set()

    def released(self) -> None:
        """A transaction of this process ended: the first in the queue tries now."""
        if self._queue:
            self._queue[0].set()
