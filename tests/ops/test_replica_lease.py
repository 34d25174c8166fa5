"""Exactly one replica holds the platform connection (issue 19): two app instances on one
PostgreSQL, both in Feishu ws mode against one fake Feishu; one holds the long connection, and
when its lease session dies (its process killed, its database link cut) the other connects.
SQLite has one process, which always holds (tests/platforms/feishu/test_long_connection.py)."""
from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time

import pytest

from bot import keys
from bot.app import create_app
from bot.runtime import CONNECTIONS
from tests.conftest import PG_URL
from tests.platforms.feishu.conftest import SITE
from tests.platforms.feishu.driver import APP_ID, APP_SECRET, BOT, message_event
from tests.replicas import shared
from tests.replicas.shared import free_port, lease_sessions, lease_sessions_named, start_ws_app, terminate, until

fake_ws = shared.fake_ws   # the fixture

pytestmark = pytest.mark.skipif(not PG_URL, reason="replicas share a PostgreSQL database")
PEOPLE = 120


def report(sender: str = "ou_li") -> dict:
    return message_event(sender, SITE, {"text": "@_user_1 报修 5号楼3层卫生间渗水"},
                         mentions=[("@_user_1", BOT, "sitebot")])


async def test_one_replica_holds_and_the_other_takes_over_when_its_session_dies(
        db_url, clock, fake_ws, aiohttp_client):  # noqa: ANN001
    first = await start_ws_app(db_url, clock, aiohttp_client, fake_ws)
    await fake_ws.wait_connected()
    second = await start_ws_app(db_url, clock, aiohttp_client, fake_ws, people=False)
    apps = [first, second]
    held = [app[CONNECTIONS]["feishu"] for app in apps]
    await until(lambda: sum(h.holding.is_set() for h in held) == 1)
    holder = next(i for i, h in enumerate(held) if h.holding.is_set())
    other = 1 - holder
    await asyncio.sleep(3 * held[other].retry_seconds)   # the other keeps trying, in vain
    assert not held[other].holding.is_set() and fake_ws.connects == 1 and len(fake_ws.sockets) == 1
    [pid] = await lease_sessions(db_url)

    await terminate(db_url, pid)   # what kill -9 of the holder does to its session
    await until(lambda: held[other].holding.is_set() and not held[holder].holding.is_set())
    await fake_ws.wait_connected(2)
    await until(lambda: len(fake_ws.sockets) == 1)   # the old holder closed its connection
    event = report()
    fake_ws.receive(event["event"]["message"]["message_id"], SITE, "ou_li")
    assert (await fake_ws.push(event))["code"] == 200
    assert await apps[other][keys.INBOX].drain() == 1
    # The old holder tries again, and waits: the lease is the other's now.
    await asyncio.sleep(3 * held[holder].retry_seconds)
    assert not held[holder].holding.is_set() and len(await lease_sessions(db_url)) == 1


async def test_a_replica_killed_with_sigkill_is_replaced_within_seconds(
        db_url, clock, fake_ws, aiohttp_client, tmp_path):  # noqa: ANN001
    """A real `sitebot serve` holds the connection; kill -9; the in-process replica connects."""
    env = {**os.environ, "SITEBOT_DATABASE_URL": db_url, "SITEBOT_PORT": str(free_port()),
           "SITEBOT_MEDIA_DIR": str(tmp_path / "media"), "SITEBOT_FEISHU_APP_ID": APP_ID,
           "SITEBOT_FEISHU_APP_SECRET": APP_SECRET, "SITEBOT_FEISHU_MODE": "ws",
           "SITEBOT_FEISHU_BASE_URL": fake_ws.base_url, "SITEBOT_LOG_LEVEL": "WARNING"}
    process = subprocess.Popen([sys.executable, "-m", "bot.cli", "serve"], env=env,
                               stdout=subprocess.DEVNULL)
    try:
        await fake_ws.wait_connected(timeout=120)
        replica = await start_ws_app(db_url, clock, aiohttp_client, fake_ws, people=False)
        held = replica[CONNECTIONS]["feishu"]
        await asyncio.sleep(3 * held.retry_seconds)
        assert not held.holding.is_set() and fake_ws.connects == 1
        killed = time.monotonic()
        os.kill(process.pid, signal.SIGKILL)
        await fake_ws.wait_connected(2)
        takeover = time.monotonic() - killed
        assert held.holding.is_set()
        print(f"takeover after kill -9: {takeover:.2f} s")   # the figure in docs/operations.md
    finally:
        if process.poll() is None:
            process.kill()
        process.wait()


async def test_the_dingtalk_stream_is_handed_over_the_same_way(db_url, clock, aiohttp_client):  # noqa: ANN001
    from tests.platforms.dingtalk.conftest import start
    from tests.platforms.dingtalk.driver import APP_KEY as DT_KEY
    from tests.platforms.dingtalk.driver import APP_SECRET as DT_SECRET
    from tests.platforms.dingtalk.fake_stream import ROBOT_TOPIC, FakeDingTalkStream
    gateway = await FakeDingTalkStream(clock, DT_KEY, DT_SECRET).start()
    try:
        first = await start(db_url, clock, aiohttp_client, gateway, mode="stream")
        await gateway.wait_connected()
        second = await start(db_url, clock, aiohttp_client, gateway, mode="stream", people=False)
        held = [driver.app[CONNECTIONS]["dingtalk"] for driver in (first, second)]
        assert held[0].holding.is_set() and not held[1].holding.is_set()
        [pid] = await lease_sessions(db_url, "dingtalk")
        await terminate(db_url, pid)
        await until(lambda: held[1].holding.is_set() and not held[0].holding.is_set())
        await gateway.wait_connected(2)
        await until(lambda: len(gateway.sockets) == 1)
        assert (await gateway.push(ROBOT_TOPIC, second.payload("li01", "帮助")))["code"] == 200
        assert await second.app[keys.INBOX].drain() == 1
    finally:
        await gateway.stop()


async def test_replicas_send_through_one_process_so_the_apps_limit_holds_across_them(
        db_url, clock, fake, aiohttp_client):  # noqa: ANN001
    """Two replicas with their background parts running, one fake Feishu keeping its 50-a-second
    limit per app by the test's clock. 120 people write to the bot, each in their own chat, half
    through each replica; the clock moves a second in tenths: at most 50 answers arrive in it
    and none is refused (each replica sending with its own windows lets through up to 100, and
    the fake refuses the excess). Then the sender's lease session dies: the other replica sends
    the rest, each answer once."""
    from bot.runtime import SENDER
    from tests.platforms.feishu.conftest import feishu_settings
    from tests.platforms.feishu.driver import ENCRYPT_KEY
    from tests.platforms.feishu.signing import wrap

    apps = [create_app(feishu_settings(db_url, fake), clock=clock, demo=True, run_worker=True) for _ in range(2)]
    clients = [await aiohttp_client(app) for app in apps]
    held = [app[SENDER] for app in apps]
    await until(lambda: sum(h.holding.is_set() for h in held) == 1)
    sender = next(i for i, h in enumerate(held) if h.holding.is_set())
    for i in range(PEOPLE):   # strangers asking for help, each in a one-to-one chat with the bot
        chat = f"oc_dm{i:03d}"
        event = message_event(f"ou_guest{i}", chat, {"text": "帮助"}, chat_type="p2p")
        fake.chats.add(chat)
        fake.receive(event["event"]["message"]["message_id"], chat, f"ou_guest{i}")
        body, headers = wrap(event, ENCRYPT_KEY, int(clock().timestamp()))
        assert (await clients[i % 2].post("/webhooks/feishu", data=body, headers=headers)).status == 200

    def answered() -> int:
        return len([m for m in fake.messages.values() if m.sender == "bot"])
    await until(lambda: answered() >= 1)
    for _ in range(10):   # one second of the platform's time, in tenths
        await asyncio.sleep(0.5)
        clock.advance(seconds=0.1)
    await asyncio.sleep(1)
    first_second = answered()
    assert 0 < first_second <= 50 and fake.limited == []

    [pid] = await lease_sessions_named(db_url, "sitebot:delivery")
    await terminate(db_url, pid)
    await until(lambda: held[1 - sender].holding.is_set() and not held[sender].holding.is_set())
    while answered() < PEOPLE:   # the new sender goes on, paced as the first was
        before = answered()
        clock.advance(seconds=0.1)
        await until(lambda: answered() > before)
    await asyncio.sleep(2)
    assert answered() == PEOPLE and fake.limited == []
    assert len({m.receive_id for m in fake.messages.values() if m.sender == "bot"}) == PEOPLE   # one each


async def test_a_replica_standing_by_warms_its_connection_up_so_taking_over_costs_no_import(db_url):  # noqa: ANN001
    """The Feishu and DingTalk connections import their SDK (seconds on a busy machine) in
    `warm_up`; a replica finding the lease held runs it while it waits, the holder never."""
    from bot.connection_lease import HeldConnection
    from bot.dingtalk.stream import stream_connection
    from bot.feishu.ws import long_connection
    from domain.store.engine import make_engine
    from domain.store.lease import AdvisoryLease
    assert long_connection.warm_up and stream_connection.warm_up
    warmed: list[str] = []

    def connection(name: str):  # noqa: ANN202
        async def connect() -> None:
            await asyncio.Event().wait()   # held until cancelled

        async def warm_up() -> None:
            warmed.append(name)
        connect.warm_up = warm_up
        return connect

    engine = make_engine(db_url)
    held = [HeldConnection(name, AdvisoryLease(engine, "sitebot:test:connection"), connection(name),
                           retry_seconds=0.1) for name in ("first", "second")]
    try:
        held[0].start()
        await until(held[0].holding.is_set)
        held[1].start()
        await until(lambda: warmed == ["second"])
        await asyncio.sleep(0.5)   # it tries again and again, and warms up once
        assert warmed == ["second"] and not held[1].holding.is_set()
    finally:
        for connection_held in held:
            await connection_held.stop()
        await engine.dispose()
