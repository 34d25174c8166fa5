"""/healthz, /readyz and /metrics over real HTTP while another connection holds the database's
write lock (on SQLite an open BEGIN IMMEDIATE on the same file, what the worker's handling
groups hold; on PostgreSQL a table lock that stops every writer of the outbox): the monitoring
reads answer with the last committed outbox state instead of waiting for the lock."""
from __future__ import annotations

import asyncio
import sqlite3

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from bot import keys
from domain.errors import StoreBusy
from domain.store.engine import make_engine
from tests.ops.test_metrics import scrape, value
from tests.platforms.feishu.conftest import SITE


def _sqlite_write_lock_is_held(url: str) -> bool:
    """A third connection that asks for the write lock without waiting (SQLite)."""
    conn = sqlite3.connect(url.split("///", 1)[1], timeout=0, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError as error:
        assert "locked" in str(error)
        return True
    finally:
        conn.close()


async def test_monitoring_answers_while_a_writer_holds_the_lock(feishu):
    for _ in range(2):
        await feishu.say("ou_li", SITE, "帮助", deliver=False)   # two replies wait in the outbox
    before = (await (await feishu.client.get("/healthz")).json())["outbox"]
    assert before["pending"] == 2

    url = feishu.app[keys.SETTINGS].database_url
    writer = make_engine(url)   # a second engine: connections of its own, as another process's
    try:
        async with writer.connect() as conn:
            await conn.begin()   # on SQLite: BEGIN IMMEDIATE, the write lock
            if conn.dialect.name == "postgresql":
                await conn.execute(text("LOCK TABLE outbox IN EXCLUSIVE MODE"))
            # Not committed: what the probes see is the last committed state.
            await conn.execute(text("UPDATE outbox SET status = 'sent' WHERE status = 'pending'"))

            # Several at once (the client waits up to 5 minutes): read connections are opened
            # while the lock is held, not only the one the probe before used.
            for health in await asyncio.gather(*(feishu.client.get("/healthz") for _ in range(3))):
                body = await health.json()
                assert health.status == 200, body
                assert body["status"] == "ok" and body["outbox"] == before
            samples = await scrape(feishu.client)
            assert value(samples, "sitebot_outbox_pending") == 2
            ready = await feishu.client.get("/readyz")
            assert ready.status == 200, await ready.json()

            # They answered while the lock was still held.
            assert conn.in_transaction()
            if conn.dialect.name == "sqlite":
                assert _sqlite_write_lock_is_held(url)
            await conn.rollback()
    finally:
        await writer.dispose()


async def test_a_reading_transaction_refuses_to_write(feishu):
    store = feishu.app[keys.STORE]
    with pytest.raises((StoreBusy, DBAPIError)):
        async with store.reading() as tx:
            await tx.session.execute(text("UPDATE outbox SET attempts = attempts + 1"))
