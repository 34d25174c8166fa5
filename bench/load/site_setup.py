"""The set-up bench/ingest.py and bench/e2e.py share: a temp dir, the database (SQLite there,
or a scratch database on --database-url's PostgreSQL server), the fake Feishu, `sitebot serve`
(from --git-ref's snapshot when given) and the 40 chats bound and staffed by chat.

    async with chats_set_up(procs, layout, args) as bench:
        ... load bench.sitebot.url, read bench.fake.delivered ...
    print(bench.code, bench.levels, bench.top)   # sitebot stopped, its log read

Leaving the block stops sitebot (its exit status and log summary are kept on `bench`), then the
fake, then drops the scratch database and the temp dir (unless --keep).
"""
from __future__ import annotations

import argparse
import collections
import contextlib
from dataclasses import dataclass, field
from typing import AsyncIterator

from .events import Layout
from .fake import FakeFeishu
from .machine import Processes
from .sitebot import Sitebot, database, setup_via_chat, snapshot, workdir


@dataclass
class SetUp:
    sitebot: Sitebot
    fake: FakeFeishu
    db: str                       # "SQLite" / "PostgreSQL" (and the commit, with --git-ref)
    code: int | None = None       # sitebot's exit status, once stopped
    levels: collections.Counter = field(default_factory=collections.Counter)
    top: list[tuple[str, int]] = field(default_factory=list)


@contextlib.asynccontextmanager
async def chats_set_up(procs: Processes, layout: Layout, args: argparse.Namespace, *,
                       per_minute: int = 0) -> AsyncIterator[SetUp]:
    """`args`: keep, database_url, limit_status, git_ref, worker_process (the benches' common
    options); `per_minute`: the fake's per-app minute limit (0: off)."""
    with workdir(args.keep) as tmp:
        async with database(tmp, args.database_url) as (url, db):
            fake = FakeFeishu(limit_status=args.limit_status, per_minute=per_minute)
            await fake.start()
            try:
                source = None
                if args.git_ref:
                    source, commit = snapshot(args.git_ref, tmp / "src")
                    db += f", sitebot at {commit} ({args.git_ref})"
                bench = SetUp(Sitebot(procs, tmp, url, fake.url, source, args.worker_process), fake, db)
                bench.sitebot.child_worker = getattr(args, "child_worker", None)
                if getattr(args, "worker_nice", None) is not None:
                    bench.sitebot.env["SITEBOT_WORKER_NICE"] = str(args.worker_nice)
                try:
                    print(f"sitebot on {db}: setting up {len(layout.chats)} chats by chat …", flush=True)
                    await bench.sitebot.prepare(layout)
                    await bench.sitebot.start()
                    await setup_via_chat(bench.sitebot.url, layout, fake)
                    yield bench
                finally:
                    bench.code = bench.sitebot.stop()
                    bench.levels, bench.top = bench.sitebot.log_summary()
            finally:
                await fake.stop()
