"""Exactly one replica holds each platform connection (Feishu's long connection, DingTalk's
stream), and another takes over within seconds when the holder dies (issue 19).

Why only one: Feishu hands each event to one random connection of an app (at most 50), DingTalk
likewise; any replica could take it, but a connection per replica only multiplies reconnects and
the platform's connection count, and the lease keeps "which process is connected" answerable.

How, on PostgreSQL: `pg_try_advisory_lock` on a connection of its own, kept open while the
platform connection runs. PostgreSQL releases the lock the moment that session ends, whether
the process exited, was killed (-9: the kernel closes its socket) or lost its database link; no
expiry to wait out and no table (migration 0017 stays empty). The holder checks its session
every `check_seconds`; if the session is gone it closes the platform connection at once, since
another replica may hold the lock by then. The others try every `retry_seconds`; while they
wait they run the connection's `warm_up`, if it has one (importing the platform SDK: seconds on
a busy machine), once, so that taking over costs only the connect.

SQLite: one process serves it (its write lock would not let two), so that process always holds.
The leases themselves: domain/store/lease.py.
"""
from __future__ import annotations

import asyncio
import logging
from typing import Awaitable, Callable, Protocol

from aiohttp import web

log = logging.getLogger(__name__)
RETRY_SECONDS = 1.0       # how often a replica without the lease tries for it
CHECK_SECONDS = 1.0       # how often the holder checks that its lease session is still there
FAILED_BACKOFF_MAX = 60.0  # a connection that keeps failing (wrong secret) is retried this rarely
# The platform connections this process runs (Feishu ws, DingTalk stream), by platform.
CONNECTIONS: web.AppKey[dict[str, "HeldConnection"]] = web.AppKey("connections")
# The platforms' delivery, held the same way (bot/runtime.py): one sending process per database.
SENDER: web.AppKey["HeldConnection"] = web.AppKey("sender")
# The inbox's handling on PostgreSQL, held the same way: one handling process per database.
INBOX_HANDLER: web.AppKey["HeldConnection"] = web.AppKey("inbox_handler")


Counted = Callable[[str], None]   # a frame's outcome, for /metrics


def outcome(code: int) -> str:
    """A frame's answer code as /metrics counts callbacks (sitebot_inbound_events_total)."""
    return "accepted" if code == 200 else "busy" if code >= 500 else "refused"


class Lease(Protocol):
    """domain/store/lease.py: AdvisoryLease (PostgreSQL), SoleProcess (SQLite)."""

    async def try_acquire(self) -> bool: ...

    async def still_held(self) -> bool: ...

    async def release(self) -> None: ...


class HeldConnection:
    """Runs `connect` (a coroutine that keeps one platform connection until cancelled) only
    while this replica holds `lease`. `connect` (or the function a functools.partial of it
    wraps) may carry `warm_up`, a coroutine function run once on standby."""

    def __init__(self, name: str, lease: Lease, connect: Callable[[], Awaitable[None]], *,
                 retry_seconds: float = RETRY_SECONDS, check_seconds: float = CHECK_SECONDS) -> None:
        self.name, self.lease, self.connect = name, lease, connect
        self.retry_seconds, self.check_seconds = retry_seconds, check_seconds
        self.holding = asyncio.Event()   # set while this replica holds the connection
        self._task: asyncio.Task | None = None
        self._warming: asyncio.Task | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name=f"held:{self.name}")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None
        if self._warming is not None:
            self._warming.cancel()
            await asyncio.gather(self._warming, return_exceptions=True)
        await self.lease.release()

    async def _run(self) -> None:
        failures = 0
        while True:
            if not await self.lease.try_acquire():
                self._warm_up()
                await asyncio.sleep(self.retry_seconds)
                continue
            log.info("%s: this replica holds the connection", self.name)
            self.holding.set()
            try:
                failed = await self._while_held()
            finally:
                self.holding.clear()
                await self.lease.release()
            failures = failures + 1 if failed else 0
            await asyncio.sleep(min(self.retry_seconds * 2 ** failures, FAILED_BACKOFF_MAX)
                                if failures else self.retry_seconds)

    def _warm_up(self) -> None:
        """Another replica holds the connection: get ready to take it over (once)."""
        warm = getattr(getattr(self.connect, "func", self.connect), "warm_up", None)
        if warm is not None and self._warming is None:
            self._warming = asyncio.create_task(warm(), name=f"warm-up:{self.name}")
            self._warming.add_done_callback(_log_failed_warm_up)

    async def _while_held(self) -> bool:
        """Until the connection ends (True when it failed) or the lease is lost (False)."""
        task = asyncio.create_task(self.connect(), name=f"connection:{self.name}")
        try:
            while True:
                done, _ = await asyncio.wait({task}, timeout=self.check_seconds)
                if done:
                    error = task.exception()
                    log.error("%s ended: %r; trying again", self.name, error)
                    return True
                if not await self.lease.still_held():
                    log.warning("%s: lease lost; closing the connection so another replica "
                                "can take it", self.name)
                    return False
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)


def _log_failed_warm_up(task: asyncio.Task) -> None:
    if not task.cancelled() and task.exception() is not None:   # the connect will say it again
        log.warning("%s failed: %r", task.get_name(), task.exception())
