"""What the replica tests share (tests/ops/test_replica_lease.py, tests/platforms/feishu/
test_long_connection.py, tests/replicas/test_nginx_replicas.py, bench/replicas.py): the app in
Feishu ws mode, the fake long connection, waiting for a condition, and reading or cutting the
PostgreSQL sessions that hold a lease (bot/connection_lease.py, domain/store/lease.py)."""
from __future__ import annotations

import asyncio
import socket
from typing import Callable

import pytest
from sqlalchemy import text

from bot import keys
from bot.app import create_app
from domain.enums import Audience
from domain.store.engine import make_engine
from domain.store.lease import AdvisoryLease
from domain.store.models import ChatBinding, Identity
from tests.platforms.feishu.conftest import OPEN_IDS, SITE, feishu_settings
from tests.platforms.feishu.driver import APP_ID, APP_SECRET
from tests.platforms.feishu.fake_long_connection import FakeFeishuLongConnection

WAIT = 60.0   # generous: a failure shows as a timeout, never as a slow pass


@pytest.fixture
async def fake_ws(clock):  # noqa: ANN001, ANN201
    """The fake Feishu with its long-connection side, the bot in P-001's group."""
    fake = FakeFeishuLongConnection(APP_ID, APP_SECRET, clock=clock)
    fake.chats |= {SITE}
    await fake.start()
    yield fake
    await fake.stop()


async def start_ws_app(db_url, clock, aiohttp_client, fake, *, people: bool = True, **extra):  # noqa: ANN001, ANN201
    """The app in ws mode: no verification token, no encrypt key, no public URL. `people`: the
    demo people known by their Feishu open_ids and P-001's group bound (once per database)."""
    settings = feishu_settings(db_url, fake, mode="ws", verification_token="", encrypt_key="", **extra)
    app = create_app(settings, clock=clock, demo=True, run_worker=False)
    await aiohttp_client(app)
    if people:
        async with app[keys.STORE].transaction() as tx:
            for name, open_id in OPEN_IDS.items():
                person = (await tx.people.by_name(name))[0]
                tx.add(Identity(person_id=person.id, platform="feishu", external_id=open_id,
                                alt_ids={}, display_name=name, created_at=clock()))
            project = await tx.projects.by_code("P-001")
            tx.add(ChatBinding(platform="feishu", chat_id=SITE, project_id=project.id,
                               audience=Audience.INTERNAL.value, title="P-001 项目部群", created_at=clock()))
    return app


async def until(condition: Callable[[], bool], timeout: float = WAIT, poll: float = 0.05) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(poll)


async def lease_sessions(db_url: str, platform: str = "feishu") -> list[int]:
    """Backends holding the platform connection's lease now."""
    return await lease_sessions_named(db_url, f"sitebot:{platform}:connection")


async def lease_sessions_named(db_url: str, name: str) -> list[int]:
    """Backends holding the lease `name` now (a bigint advisory key shows in pg_locks as its
    high and low 32 bits)."""
    engine = make_engine(db_url)
    key = AdvisoryLease(engine, name).key
    try:
        async with engine.connect() as conn:
            rows = await conn.execute(text(
                "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 1"
                " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
                " AND classid::bigint = :high AND objid::bigint = :low"),
                {"high": (key >> 32) & 0xFFFFFFFF, "low": key & 0xFFFFFFFF})
            return [row.pid for row in rows]
    finally:
        await engine.dispose()


async def terminate(db_url: str, pid: int) -> None:
    """What kill -9 of the holder does to its lease session."""
    engine = make_engine(db_url)
    try:
        async with engine.connect() as conn:
            await conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    finally:
        await engine.dispose()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
