"""Issue 19, several replicas for real: 3 `sitebot serve` processes on one PostgreSQL behind
Debian's nginx (deploy/nginx.conf), Feishu pointed at the fake open platform, which keeps
Feishu's limits by the wall clock (50 a second and 1000 a minute per app, 5 a second per chat)
and counts what it refuses and what is sent again under a used uuid.

Set up as a contractor would (`sitebot admin add` on the command line, then `项目 新建` and
`绑定 P-… 客户` in each customer chat through nginx), the daily digest run with `sitebot jobs
run progress.digest`: every chat gets its digest once, nothing refused. Then again with the
replica holding the delivery lease killed with SIGKILL mid-run: the others finish, nothing lost,
still one digest a chat. And a Feishu event delivered twice, landing on two replicas, acts once.
The figures at 500 projects: bench/replicas.py."""
from __future__ import annotations

import asyncio
from collections import Counter

import aiohttp
import pytest
from sqlalchemy import func, select, text

from domain.store.engine import make_engine
from domain.store.models import Project
from tests.conftest import PG_URL
from tests.platforms.feishu.driver import APP_ID, APP_SECRET
from tests.platforms.feishu.fake_open_platform import FakeFeishu
from tests.replicas.cluster import base_env, nginx_binary, replicas_behind_nginx
from tests.replicas.shared import until
from tests.replicas.contractor import (ADMIN, DigestRun, answers, command, customer_chat, feishu_env, post,
                                       set_up_projects, site_config, sitebot, wait_for)

pytestmark = [pytest.mark.skipif(not PG_URL, reason="replicas share a PostgreSQL database (SQLite is one process)"),
              pytest.mark.skipif(nginx_binary() is None, reason="nginx is not installed (apt-get install "
                                                                "nginx-light; CI installs it)")]
PROJECTS = 60
WAIT = 120.0   # generous: a failure shows as a timeout, never as a slow pass


def wall_clock():  # noqa: ANN201
    from datetime import datetime, timezone
    return datetime.now(timezone.utc)


async def unsent(db_url: str) -> int:
    engine = make_engine(db_url)
    try:
        async with engine.connect() as conn:
            return await conn.scalar(text("SELECT count(*) FROM outbox WHERE status IN ('pending', 'sending')"))
    finally:
        await engine.dispose()


async def settled(db_url: str, run: DigestRun, chats: list[str]) -> None:
    """Every chat has a digest and the outbox has nothing left (a killed sender's claims too)."""
    await wait_for(lambda: not run.result().missing(chats), "every digest delivered", WAIT)
    deadline = asyncio.get_running_loop().time() + WAIT
    while await unsent(db_url):
        assert asyncio.get_running_loop().time() < deadline, "the outbox never emptied"
        await asyncio.sleep(0.5)


async def test_three_replicas_behind_nginx_send_each_digest_once_within_the_limits(db_url, tmp_path):  # noqa: ANN001
    fake = FakeFeishu(APP_ID, APP_SECRET, clock=wall_clock)   # Feishu's limits, by the wall clock
    await fake.start()
    (tmp_path / "site.toml").write_text(site_config(), encoding="utf-8")
    env = base_env({"SITEBOT_DATABASE_URL": db_url, "SITEBOT_CONFIG": str(tmp_path / "site.toml"),
                    "SITEBOT_MEDIA_DIR": str(tmp_path / "media"), "SITEBOT_CONSOLE": "0", **feishu_env(fake)})
    try:
        await sitebot("db", "upgrade", env=env)
        await sitebot("admin", "add", "管理员", "--identity", f"feishu:{ADMIN}", env=env)
        async with replicas_behind_nginx(tmp_path, env) as (replicas, nginx):
            codes = await set_up_projects(nginx.url, fake, PROJECTS)
            chats = list(codes)
            assert len(set(codes.values())) == PROJECTS and fake.limited == []

            # The evening: one digest per customer chat, nothing refused, nothing sent twice.
            run = DigestRun(fake, chats, env, days_ago=2)
            assert (await run.queue()).endswith(f": {PROJECTS} performed")
            await settled(db_url, run, chats)
            evening = run.result()
            assert evening.duplicated() == [] and evening.refused == 0 and evening.repeated == 0

            # Again (the next evening), the sender killed with SIGKILL once its first digests arrived.
            run = DigestRun(fake, chats, env, days_ago=1)
            assert (await run.queue()).endswith(f": {PROJECTS} performed")
            await until(lambda: sum(run.delivered().values()) >= 5, WAIT, poll=0.01)
            [sender] = [r for r in replicas if r.holds_delivery()]
            sender.kill()
            at_kill = sum(run.delivered().values())
            assert at_kill < PROJECTS, "the sender finished before it was killed: the run proves nothing"
            await wait_for(lambda: sum(r.holds_delivery() for r in replicas) == 1, "a new sender", WAIT)
            await settled(db_url, run, chats)
            evening = run.result()
            assert evening.missing(chats) == [] and evening.duplicated() == []
            assert evening.refused == 0, f"refused {evening.refused} after the takeover: {fake.limited[-5:]}"
            print(f"kill -9 run: {at_kill} of {PROJECTS} delivered at the kill, the rest by another replica; "
                  f"{evening.repeated} sent again under a used uuid (Feishu kept one)")

            # Inbound: one event delivered again (re-signed, as Feishu does) until two replicas took
            # it (nginx skips the killed one, so two posts may land on the same): it acts once.
            chat = customer_chat(PROJECTS)
            event = command(fake, chat, "项目 新建 重复投递测试楼")
            answered_by: list[str] = []
            async with aiohttp.ClientSession() as http:
                while len(set(answered_by)) < 2:
                    status, upstream = await post(http, nginx.url, event)
                    assert status == 200 and len(answered_by) < 6, (status, answered_by)
                    answered_by.append(upstream.split(",")[-1].strip())   # the replica that answered
            await wait_for(lambda: any("已新建项目" in t for t in answers(fake, chat)), "the answer", WAIT)
            await asyncio.sleep(2)   # a second effect would have come by now
            assert len([t for t in answers(fake, chat) if "已新建项目" in t]) == 1
            store = make_engine(db_url)
            try:
                async with store.connect() as conn:
                    assert await conn.scalar(select(func.count()).select_from(Project)
                                             .where(Project.name == "重复投递测试楼")) == 1
            finally:
                await store.dispose()
            assert Counter(r.alive() for r in replicas) == Counter({True: 2, False: 1})
    finally:
        await fake.stop()
