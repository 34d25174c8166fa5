"""The inbox on PostgreSQL is one table every replica's edge stores into; one process at a time
handles it (bot/inbox.py, under the "sitebot:inbox" lease). Two real `sitebot serve` on one
database, Feishu callbacks posted straight to one of them (signed and encrypted as Feishu does):
an event stored through the replica that does not hold the lease is handled once, by the holder
alone (each process's /metrics counts what it handled); how soon is printed, not asserted (no
timing asserts: the holder looks every 0.05 s, where it once waited up to 5 s); killed with
SIGKILL, the holder's lease passes to the other, which handles what comes next."""
from __future__ import annotations

import asyncio
import re
import time

import aiohttp
import pytest

from tests.conftest import PG_URL
from tests.platforms.feishu.driver import APP_ID, APP_SECRET
from tests.platforms.feishu.fake_open_platform import FakeFeishu
from tests.replicas.cluster import Replica, base_env
from tests.replicas.contractor import ADMIN, answers, command, feishu_env, post, site_config, sitebot, wait_for

pytestmark = pytest.mark.skipif(not PG_URL, reason="replicas share a PostgreSQL database (SQLite is one process)")
HOLDS_INBOX = "inbox: this replica holds the connection"
HANDLED = re.compile(r'^sitebot_events_handled_total\{outcome="(\w+)",platform="feishu"\} (\S+)$', re.M)
WAIT = 120.0     # generous: a failure shows as a timeout, never as a slow pass


def wall_clock():  # noqa: ANN201
    from datetime import datetime, timezone
    return datetime.now(timezone.utc)


async def handled(http: aiohttp.ClientSession, replica: Replica) -> dict[str, float]:
    """This process's handled Feishu events by outcome (done, duplicate), from its /metrics."""
    async with http.get(f"{replica.url}/metrics") as answer:
        body = await answer.text()
    return {outcome: float(value) for outcome, value in HANDLED.findall(body)}


def holds_inbox(replica: Replica) -> bool:
    return replica.alive() and HOLDS_INBOX in replica.log.read_text(errors="replace")


async def handled_through(http: aiohttp.ClientSession, fake: FakeFeishu, edge: Replica, holder: Replica,
                          replicas: list[Replica], chat: str, text: str) -> float:
    """Posts `text` to `edge`; waits until a process counted it handled; the seconds that took.
    Asserts that process was `holder`, once, and no process counted anything else."""
    alive = [r for r in replicas if r.alive()]
    before = {r.index: await handled(http, r) for r in alive}
    started = time.monotonic()
    status, _ = await post(http, edge.url, command(fake, chat, text))
    assert status == 200
    while [await handled(http, r) for r in alive] == list(before.values()):
        assert time.monotonic() - started < WAIT, "never handled"
        await asyncio.sleep(0.02)
    took = time.monotonic() - started
    await asyncio.sleep(1.0)   # a second handling would have come by now
    after = {r.index: await handled(http, r) for r in replicas if r.alive()}
    for index, counts in after.items():
        grew = {k: v - before[index].get(k, 0) for k, v in counts.items() if v != before[index].get(k, 0)}
        assert grew == ({"done": 1} if index == holder.index else {}), (index, grew)
    return took


async def test_one_replica_handles_the_inbox_and_another_takes_over_when_it_dies(db_url, tmp_path):  # noqa: ANN001
    fake = FakeFeishu(APP_ID, APP_SECRET, clock=wall_clock)
    await fake.start()
    (tmp_path / "site.toml").write_text(site_config(), encoding="utf-8")
    env = base_env({"SITEBOT_DATABASE_URL": db_url, "SITEBOT_CONFIG": str(tmp_path / "site.toml"),
                    "SITEBOT_MEDIA_DIR": str(tmp_path / "media"), "SITEBOT_CONSOLE": "0", **feishu_env(fake)})
    replicas = [Replica(i, tmp_path, env) for i in range(2)]
    try:
        await sitebot("db", "upgrade", env=env)
        await sitebot("admin", "add", "管理员", "--identity", f"feishu:{ADMIN}", env=env)
        for replica in replicas:
            replica.start()
        await asyncio.gather(*(replica.ready() for replica in replicas))
        await wait_for(lambda: sum(map(holds_inbox, replicas)) == 1, "one inbox holder", WAIT)
        [holder] = [r for r in replicas if holds_inbox(r)]
        [other] = [r for r in replicas if r is not holder]
        async with aiohttp.ClientSession() as http:
            # Stored through the replica that does not handle: the holder handles it, once, soon.
            took = [await handled_through(http, fake, other, holder, replicas, "oc_inbox_a", f"项目 新建 收件楼{i}")
                    for i in range(3)]
            await wait_for(lambda: sum("已新建项目" in t for t in answers(fake, "oc_inbox_a")) == 3,
                           "the three answers", WAIT)
            print(f"stored on the other replica, handled by the holder after {[round(t, 2) for t in took]} s")

            # The holder killed: the other takes the lease and handles new events.
            holder.kill()
            await wait_for(lambda: holds_inbox(other), "the other replica to take the inbox", WAIT)
            await handled_through(http, fake, other, other, replicas, "oc_inbox_b", "项目 新建 接手楼")
            await wait_for(lambda: any("已新建项目" in t for t in answers(fake, "oc_inbox_b")), "the answer", WAIT)
    finally:
        for replica in replicas:
            replica.stop()
        await fake.stop()
