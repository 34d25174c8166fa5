"""Several `sitebot serve` replicas on one PostgreSQL behind nginx (issue 19): the daily digest
fanned out to N projects, and how fast a held platform connection moves after kill -9.

1. Digest: a scratch database on --database-url's server; the fake Feishu open platform
   (tests/platforms/feishu/fake_open_platform.py) keeping Feishu's limits by the wall clock —
   50 a second and 1000 a minute per app, 5 a second per chat, counted at arrival — and
   counting what it refuses and what is sent again under a used uuid; `--replicas` `sitebot
   serve` behind Debian's nginx (deploy/nginx.conf). Set up as a contractor would: `sitebot
   admin add`, then in each of --projects customer chats `项目 新建 …` and `绑定 P-… 客户`
   through nginx. Then `sitebot jobs run progress.digest` twice (two evenings): the first
   undisturbed, the second with the replica holding the delivery lease killed with SIGKILL
   once --kill-after digests arrived. Per run: digests delivered, chats with more than one
   (duplicates), limit refusals, sends repeated under a used uuid, seconds to the last
   digest, and that as a share of the fastest the limits allow.
2. Takeover: the same replicas in Feishu ws and DingTalk stream mode against the fakes'
   connection sides (tests/platforms/*/fake_*.py); the holder of each connection killed with
   SIGKILL, --kills times: seconds from the kill to the next replica's connection. Each killed
   replica is replaced (as a supervisor restarts it) and the next kill waits --standby-seconds
   after the replacement answers: a standby warms up (imports the SDK) meanwhile.

Usage: python bench/replicas.py --database-url "$(scripts/pg-test-server sitebot_bench)"
           [--projects 500] [--replicas 3] [--kill-after 100] [--kills 2] [--keep]
"""
from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.load.sitebot import database  # noqa: E402
from tests.platforms.dingtalk.driver import APP_KEY as DT_KEY  # noqa: E402
from tests.platforms.dingtalk.driver import APP_SECRET as DT_SECRET  # noqa: E402
from tests.platforms.dingtalk.driver import CORP_ID as DT_CORP  # noqa: E402
from tests.platforms.dingtalk.fake_stream import FakeDingTalkStream  # noqa: E402
from tests.platforms.feishu.driver import APP_ID, APP_SECRET  # noqa: E402
from tests.platforms.feishu.fake_long_connection import FakeFeishuLongConnection  # noqa: E402
from tests.platforms.feishu.fake_open_platform import FakeFeishu  # noqa: E402
from tests.replicas.cluster import Replica, base_env, nginx_binary, replicas_behind_nginx  # noqa: E402
from tests.replicas.contractor import (ADMIN, DigestRun, feishu_env, set_up_projects, site_config,  # noqa: E402
                                       sitebot, wait_for)


def wall_clock() -> datetime:
    return datetime.now(timezone.utc)


def fastest(sends: int) -> float:
    """Seconds the fake's app limits allow for `sends` messages: 50 a second, 1000 a minute."""
    minutes, rest = divmod(sends, 1000)
    return minutes * 60 + rest / 50


async def unsent(url: str) -> int:
    from sqlalchemy import text

    from domain.store.engine import make_engine
    engine = make_engine(url)
    try:
        async with engine.connect() as conn:
            return await conn.scalar(text("SELECT count(*) FROM outbox WHERE status IN ('pending', 'sending')"))
    finally:
        await engine.dispose()


async def evening(run: DigestRun, url: str, chats: list[str], replicas: list[Replica] | None,
                  kill_after: int) -> tuple[str, str]:
    """One digest run; with `replicas`, the sender killed after `kill_after` digests arrived."""
    started = time.monotonic()
    print(f"  {await run.queue()} (queued in {time.monotonic() - started:.1f} s)", flush=True)
    note = "none killed"
    if replicas is not None:
        await wait_for(lambda: sum(run.delivered().values()) >= kill_after, "the first digests", 600)
        [sender] = [r for r in replicas if r.holds_delivery()]
        sender.kill()
        note = f"sender killed at {sum(run.delivered().values())}"
        await wait_for(lambda: sum(r.holds_delivery() for r in replicas) == 1, "a new sender", 120)
    await wait_for(lambda: not run.result().missing(chats), "every digest delivered", 900)
    while await unsent(url):
        await asyncio.sleep(0.5)
    result = run.result()
    sends = sum(result.per_chat.values())
    return note, (f"{sends:>6} {len(result.missing(chats)):>8} {len(result.duplicated()):>10} "
                  f"{result.refused:>8} {result.repeated:>9} {result.seconds:>8.1f} "
                  f"{fastest(sends) / result.seconds:>7.0%}")


async def digest_bench(args: argparse.Namespace, workdir: Path, url: str) -> None:
    fake = FakeFeishu(APP_ID, APP_SECRET, clock=wall_clock)
    await fake.start()
    (workdir / "site.toml").write_text(site_config(args.claim_seconds), encoding="utf-8")
    env = base_env({"SITEBOT_DATABASE_URL": url, "SITEBOT_CONFIG": str(workdir / "site.toml"),
                    "SITEBOT_MEDIA_DIR": str(workdir / "media"), "SITEBOT_CONSOLE": "0", **feishu_env(fake)})
    try:
        await sitebot("db", "upgrade", env=env)
        await sitebot("admin", "add", "管理员", "--identity", f"feishu:{ADMIN}", env=env)
        async with replicas_behind_nginx(workdir, env, args.replicas) as (replicas, nginx):
            started = time.monotonic()
            codes = await set_up_projects(nginx.url, fake, args.projects, timeout=1800)
            print(f"set up {len(codes)} projects by chat through nginx in {time.monotonic() - started:.0f} s "
                  f"({len(fake.limited)} sends refused meanwhile)", flush=True)
            chats = list(codes)
            rows = []
            for days_ago, kill in ((2, False), (1, True)):
                run = DigestRun(fake, chats, env, days_ago=days_ago)
                note, row = await evening(run, url, chats, replicas if kill else None, args.kill_after)
                rows.append(f"{args.replicas:>8} {row}  {note}")
            print(f"\n{'replicas':>8} {'sends':>6} {'missing':>8} {'duplicates':>10} {'refused':>8} "
                  f"{'same uuid':>9} {'seconds':>8} {'of max':>7}")
            print("\n".join(rows))
            print("duplicates: chats with more than one digest; same uuid: sent again under a used uuid "
                  "(Feishu keeps one message); of max: the fastest the app limits allow / the time taken")
    finally:
        await fake.stop()


async def takeover_bench(args: argparse.Namespace, workdir: Path, url: str) -> None:
    feishu = FakeFeishuLongConnection(APP_ID, APP_SECRET, clock=wall_clock)
    dingtalk = FakeDingTalkStream(wall_clock, DT_KEY, DT_SECRET)
    await feishu.start()
    await dingtalk.start()
    env = base_env({"SITEBOT_DATABASE_URL": url, "SITEBOT_MEDIA_DIR": str(workdir / "media"),
                    "SITEBOT_CONSOLE": "0", "SITEBOT_FEISHU_APP_ID": APP_ID, "SITEBOT_FEISHU_APP_SECRET": APP_SECRET,
                    "SITEBOT_FEISHU_MODE": "ws", "SITEBOT_FEISHU_BASE_URL": feishu.base_url,
                    "SITEBOT_DINGTALK_APP_KEY": DT_KEY, "SITEBOT_DINGTALK_APP_SECRET": DT_SECRET,
                    "SITEBOT_DINGTALK_CORP_ID": DT_CORP, "SITEBOT_DINGTALK_MODE": "stream",
                    "SITEBOT_DINGTALK_BASE_URL": dingtalk.base_url})
    replicas = [Replica(i, workdir / "ws", env) for i in range(args.replicas)]
    (workdir / "ws").mkdir()
    try:
        await sitebot("db", "upgrade", env=env)   # once: replicas started at once on an empty database race
        for replica in replicas:
            replica.start()
        await asyncio.gather(*(r.ready() for r in replicas))
        await feishu.wait_connected()
        await dingtalk.wait_connected()
        for platform, fake, line in (("feishu ws", feishu, "feishu connection: this replica holds"),
                                     ("dingtalk stream", dingtalk, "dingtalk connection: this replica holds")):
            for _ in range(args.kills):
                [holder] = [r for r in replicas if r.alive() and line in r.log.read_text(errors="replace")]
                connects = fake.connects
                killed = time.monotonic()
                holder.kill()
                await fake.wait_connected(connects + 1, timeout=120)
                print(f"{platform}: replica {holder.index} killed with SIGKILL; another holds the connection "
                      f"{time.monotonic() - killed:.2f} s later", flush=True)
                replacement = Replica(len(replicas), workdir / "ws", env)   # as a supervisor would restart it
                replicas.append(replacement)
                replacement.start()
                await replacement.ready()
                await asyncio.sleep(args.standby_seconds)   # standing by: it warms up meanwhile
    finally:
        for replica in replicas:
            replica.stop()
        await feishu.stop()
        await dingtalk.stop()


async def main(args: argparse.Namespace) -> None:
    if nginx_binary() is None:
        sys.exit("nginx is not installed (apt-get install nginx-light)")
    workdir = Path(tempfile.mkdtemp(prefix="sitebot-replicas-"))
    print(f"{args.replicas} replicas, {args.projects} projects, {os.cpu_count()} CPUs; work dir {workdir}")
    try:
        if args.projects:
            async with database(workdir, args.database_url) as (url, _):
                await digest_bench(args, workdir, url)
        if args.kills:
            async with database(workdir, args.database_url) as (url, _):
                await takeover_bench(args, workdir, url)
    finally:
        if args.keep:
            print(f"kept {workdir} (the replicas' and nginx's logs)")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True, help="a PostgreSQL server (a scratch database is made)")
    parser.add_argument("--projects", type=int, default=500, help="0: only the takeover figures")
    parser.add_argument("--replicas", type=int, default=3)
    parser.add_argument("--kill-after", type=int, default=100, help="digests delivered before the sender is killed")
    parser.add_argument("--kills", type=int, default=2, help="connection holders killed per platform (0: skip)")
    parser.add_argument("--standby-seconds", type=float, default=20.0,
                        help="after a restarted replica answers, before the next kill")
    parser.add_argument("--keep", action="store_true", help="keep the work dir (logs)")
    parser.add_argument("--claim-seconds", type=int, default=15, help="[delivery] claim_seconds of the replicas")
    asyncio.run(main(parser.parse_args()))
