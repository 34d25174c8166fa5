"""SQLite for SQLAlchemy's aiosqlite dialect, run on the event loop's own thread except for
COMMIT.

aiosqlite runs every call on a thread of its own: a cursor, an execute, a fetch and a close are
each a hand-over to that thread and a wake-up of the event loop, so one statement costs about
0.45 ms of CPU where sqlite3 itself needs 0.05 ms (bench/handler_cost.py: most of an event's
handling went there). SQLite statements on our tables take microseconds, so they run here, in
the caller's thread, and only COMMIT — where SQLite writes and syncs the WAL — goes to a worker
thread, so the loop never waits on the disk.

Waiting for another connection's write lock would block the loop, so SQLite's own busy handler
is off (busy_timeout 0) and a statement that finds the database locked is tried again after an
`await asyncio.sleep`, with backoff, for as long as the timeout allows: what busy_timeout did,
without stopping everything else. SQLITE_BUSY means the statement did nothing, so trying it
again is what SQLite's handler would have done; a stale snapshot (SQLITE_BUSY_SNAPSHOT) cannot
get better by waiting and is raised at once, as before.

The objects below offer what SQLAlchemy's aiosqlite adapter uses of aiosqlite's connection and
cursor (engine.py passes `connect` as the engine's async_creator).
"""
from __future__ import annotations

import asyncio
import sqlite3
import time
from typing import Any, Callable, Sequence

from domain.store.write_turns import WriteTurns, takes_write_lock, turns_for

SQLITE_BUSY = 5
_FIRST_WAIT, _MAX_WAIT = 0.001, 0.05


async def connect(database: str, timeout: float) -> "InlineConnection":
    # timeout=0: SQLite's own busy handler (a sleep inside the call) stays off; see _patiently.
    conn = sqlite3.connect(database, timeout=0, check_same_thread=False, isolation_level=None)
    return InlineConnection(conn, timeout, turns_for(database))


async def _patiently(timeout: float, call: Callable[[], Any], *, awaited: bool = False) -> Any:
    """`call()` (awaited if `awaited`), again after a short sleep while the database is
    locked, until `timeout`."""
    deadline, wait = None, _FIRST_WAIT
    while True:
        try:
            return await call() if awaited else call()
        except sqlite3.OperationalError as error:
            if getattr(error, "sqlite_errorcode", None) != SQLITE_BUSY:
                raise
            now = time.monotonic()
            deadline = deadline or now + timeout
            if now >= deadline:
                raise
            await asyncio.sleep(min(wait, deadline - now))
            wait = min(wait * 2, _MAX_WAIT)


class _Now:
    """aiosqlite's request queue, as SQLAlchemy's adapter uses it (to set isolation_level):
    here the request runs at once."""

    @staticmethod
    def put_nowait(item: tuple[asyncio.Future, Callable[[], Any]]) -> None:
        future, function = item
        try:
            future.set_result(function())
        except Exception as error:  # handed to the awaiting caller, as aiosqlite would
            future.set_exception(error)


class InlineCursor:
    def __init__(self, connection: "InlineConnection") -> None:
        self._connection = connection
        self._cursor = connection._conn.cursor()

    async def __aenter__(self) -> "InlineCursor":
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._cursor.close()

    async def execute(self, sql: str, parameters: Sequence[Any] | None = None) -> "InlineCursor":
        args = (sql,) if parameters is None else (sql, parameters)
        if takes_write_lock(sql):   # in turn with this process's other transactions
            await self._connection.turns.begin(self._connection.timeout, lambda: self._cursor.execute(*args))
            return self
        await _patiently(self._connection.timeout, lambda: self._cursor.execute(*args))
        return self

    async def executemany(self, sql: str, parameters: Sequence[Sequence[Any]]) -> "InlineCursor":
        await _patiently(self._connection.timeout, lambda: self._cursor.executemany(sql, parameters))
        return self

    async def fetchone(self) -> Any:
        return self._cursor.fetchone()

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        return self._cursor.fetchmany(size if size is not None else self._cursor.arraysize)

    async def fetchall(self) -> list[Any]:
        return self._cursor.fetchall()

    async def close(self) -> None:
        self._cursor.close()

    async def setinputsizes(self, *sizes: Any) -> None:
        return None

    async def nextset(self) -> None:
        return None

    @property
    def description(self) -> Any:
        return self._cursor.description

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    @property
    def lastrowid(self) -> int | None:
        return self._cursor.lastrowid

    @property
    def arraysize(self) -> int:
        return self._cursor.arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._cursor.arraysize = value


class _CursorRequest:
    """`connection.cursor()`: awaitable and an async context manager, like aiosqlite's."""

    def __init__(self, connection: "InlineConnection") -> None:
        self._connection = connection

    def __await__(self):  # noqa: ANN204 - a generator, as __await__ must return
        return self.__aenter__().__await__()

    async def __aenter__(self) -> InlineCursor:
        return InlineCursor(self._connection)

    async def __aexit__(self, *exc: object) -> None:
        return None


class InlineConnection:
    def __init__(self, conn: sqlite3.Connection, timeout: float, turns: WriteTurns) -> None:
        self._conn: sqlite3.Connection | None = conn
        self.timeout, self.turns = timeout, turns
        self._tx = _Now()

    @property
    def _connection(self) -> sqlite3.Connection | None:
        """What SQLAlchemy's adapter checks before a commit or rollback: None once closed."""
        return self._conn

    @property
    def isolation_level(self) -> str | None:
        return self._conn.isolation_level

    def cursor(self) -> _CursorRequest:
        return _CursorRequest(self)

    async def execute(self, sql: str, parameters: Sequence[Any] | None = None) -> InlineCursor:
        cursor = InlineCursor(self)
        return await cursor.execute(sql, parameters)

    async def commit(self) -> None:
        conn = self._conn
        if conn is None or not conn.in_transaction:
            return
        loop = asyncio.get_running_loop()
        # The WAL is written and synced here: on a thread, so the loop does not wait on the disk.
        try:
            await _patiently(self.timeout, lambda: loop.run_in_executor(None, conn.commit), awaited=True)
        finally:
            self.turns.released()

    async def rollback(self) -> None:
        if self._conn is not None and self._conn.in_transaction:
            self._conn.rollback()
            self.turns.released()

    async def create_function(self, *args: Any, **kw: Any) -> None:
        self._conn.create_function(*args, **kw)

    async def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def stop(self) -> None:
        """aiosqlite's forced close (SQLAlchemy's terminate when the loop is gone)."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None
