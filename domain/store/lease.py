"""Leases for "exactly one replica does this" (bot/connection_lease.py holds the platform
connections with them): a PostgreSQL session-level advisory lock on a connection of its own, and
SQLite's single process. Why an advisory lock and not a lease row: PostgreSQL drops it the
moment its session ends (exit, kill -9, a lost network), so there is no expiry to wait out."""
from __future__ import annotations

import hashlib
import logging

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

log = logging.getLogger(__name__)


class SoleProcess:
    """SQLite: the only process, so always the holder."""

    async def try_acquire(self) -> bool:
        return True

    async def still_held(self) -> bool:
        return True

    async def release(self) -> None:
        return None


class AdvisoryLease:
    """A PostgreSQL session-level advisory lock named by `name`, on a connection of its own."""

    def __init__(self, engine: AsyncEngine, name: str) -> None:
        self.engine, self.name = engine, name
        self.key = int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)
        self._conn: AsyncConnection | None = None

    async def try_acquire(self) -> bool:
        try:
            if self._conn is None:
                conn = await self.engine.connect()
                self._conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
            got = await self._conn.scalar(text("SELECT pg_try_advisory_lock(:key)"), {"key": self.key})
            return bool(got)
        except Exception as error:   # database unreachable: not the holder, try again later
            log.warning("lease %s: could not ask the database: %s", self.name, error)
            await self._drop()
            return False

    async def still_held(self) -> bool:
        """The lock lives as long as its session: a session that answers still holds it."""
        if self._conn is None:
            return False
        try:
            await self._conn.scalar(text("SELECT 1"))
            return True
        except Exception as error:
            log.warning("lease %s: its database session is gone (%s)", self.name, error)
            await self._drop()
            return False

    async def release(self) -> None:
        if self._conn is not None:
            try:
                await self._conn.scalar(text("SELECT pg_advisory_unlock(:key)"), {"key": self.key})
            except Exception:   # a dead session released it already
                pass
        await self._drop()

    async def _drop(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:   # never back to the pool: the next try starts on a fresh session
                await conn.invalidate()
                await conn.close()
            except Exception:
                pass


def lease_for(engine: AsyncEngine, dialect: str, name: str) -> SoleProcess | AdvisoryLease:
    return SoleProcess() if dialect == "sqlite" else AdvisoryLease(engine, name)
