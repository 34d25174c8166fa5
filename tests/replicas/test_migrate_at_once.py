"""Replicas started together on an empty PostgreSQL database (docker compose with several
sitebot services, a Kubernetes deployment) each migrate at start: they take turns, and every
one starts. Found by bench/replicas.py, where one of three failed with a duplicate key while
creating the tables (here, without the turns, three at once hang or fail)."""
from __future__ import annotations

import asyncio
import uuid

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from domain.store.engine import make_engine
from domain.store.migrate import current_revision, newest_revision, upgrade
from tests.conftest import PG_URL

pytestmark = pytest.mark.skipif(not PG_URL, reason="SQLite is one process: nothing starts beside it")
AT_ONCE = 3


@pytest.fixture
async def empty_database():  # noqa: ANN201
    url = make_url(PG_URL)
    admin = url.set(drivername="postgresql").render_as_string(hide_password=False)
    name = f"sitebot_empty_{uuid.uuid4().hex[:8]}"
    conn = await asyncpg.connect(admin)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    yield url.set(database=name).render_as_string(hide_password=False)
    conn = await asyncpg.connect(admin)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


async def test_replicas_migrating_an_empty_database_at_once_all_start(empty_database) -> None:  # noqa: ANN001
    engines = [make_engine(empty_database) for _ in range(AT_ONCE)]
    try:
        # Without the turns they can also wait on each other for good: a failure, not a hang.
        outcomes = await asyncio.wait_for(asyncio.gather(*(upgrade(engine) for engine in engines),
                                                         return_exceptions=True), 120)
        assert [o for o in outcomes if o is not None] == []
        assert await current_revision(engines[0]) == newest_revision()
    finally:
        for engine in engines:
            await engine.dispose()
