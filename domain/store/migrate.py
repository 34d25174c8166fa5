"""Alembic, driven from code: `sitebot db upgrade` and start-up both call `upgrade`."""
from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.ext.asyncio import AsyncEngine

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(url: str | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if url:
        cfg.set_main_option("sqlalchemy.url", url)
    return cfg


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    """Apply migrations on one connection of `engine` (no second engine, no event loop games)."""

    def _run(sync_conn) -> None:  # noqa: ANN001
        cfg = alembic_config()
        cfg.attributes["connection"] = sync_conn
        command.upgrade(cfg, revision)

    async with engine.begin() as conn:
        await conn.run_sync(_run)


async def wait_for_head(engine: AsyncEngine, timeout: float = 120.0) -> None:
    """For a process that must not migrate (a worker beside the web process): wait until the
    database is at the newest schema, which the web process brings it to at its start."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()

    def _current(sync_conn) -> str | None:  # noqa: ANN001
        return MigrationContext.configure(sync_conn).get_current_revision()

    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        try:
            async with engine.connect() as conn:
                if await conn.run_sync(_current) == head:
                    return
        except Exception:  # not created yet, or the database is still starting
            pass
        if loop.time() > deadline:
            raise RuntimeError(f"the database is not at schema {head}: start `sitebot serve` "
                               "(or run `sitebot db upgrade`) first")
        await asyncio.sleep(0.5)
