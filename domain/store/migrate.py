"""Alembic, driven from code: `sitebot db upgrade` and start-up both call `upgrade`."""
from __future__ import annotations

import asyncio
import re
from pathlib import Path

from typing import TYPE_CHECKING

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(url: str | None = None) -> "Config":
    from alembic.config import Config  # imported when used: alembic costs ~0.1 s at start-up
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if url:
        cfg.set_main_option("sqlalchemy.url", url)
    return cfg


def newest_revision() -> str:
    """The head of the migration chain, read from the files (no alembic import needed)."""
    revisions, parents = set(), set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        revisions |= set(re.findall(r'^revision = "([^"]+)"', text, re.M))
        parents |= set(re.findall(r'^down_revision = "([^"]+)"', text, re.M))
    [head] = revisions - parents
    return head


async def current_revision(engine: AsyncEngine) -> str | None:
    try:
        async with engine.connect() as conn:
            return (await conn.execute(text("SELECT version_num FROM alembic_version"))).scalar()
    except Exception:  # no table yet: a new database
        return None


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    """Apply migrations on one connection of `engine` (no second engine, no event loop games).
    A database already at the newest schema is left alone without loading alembic at all."""
    if revision == "head" and await current_revision(engine) == newest_revision():
        return

    from alembic import command

    def _run(sync_conn) -> None:  # noqa: ANN001
        cfg = alembic_config()
        cfg.attributes["connection"] = sync_conn
        command.upgrade(cfg, revision)

    async with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            # Replicas started together on an empty database would each create the tables and
            # all but one fail; they take turns (a lock held until this transaction ends), and
            # the later ones find the schema current.
            await conn.execute(text("SELECT pg_advisory_xact_lock(hashtext('sitebot:migrations'))"))
        await conn.run_sync(_run)


async def wait_for_head(engine: AsyncEngine, timeout: float = 120.0) -> None:
    """For a process that must not migrate (a worker beside the web process): wait until the
    database is at the newest schema, which the web process brings it to at its start."""
    head = newest_revision()
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while await current_revision(engine) != head:
        if loop.time() > deadline:
            raise RuntimeError(f"the database is not at schema {head}: start `sitebot serve` "
                               "(or run `sitebot db upgrade`) first")
        await asyncio.sleep(0.5)
