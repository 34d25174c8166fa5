"""What one "@sitebot 报修 …" costs the worker: CPU milliseconds and SQL statements per report,
for handling (the inbox consumer: dispatch, the 报修 handler, cards, the outbox) and for
delivery (the delivery worker sending the replies), measured in one process with nothing else
in it, so the figures hold on a busy machine where wall times do not.

Setup as in bench/e2e.py: 40 projects, an admin, each chat bound and given a 质检员 and two
施工员 by signed Feishu chat events through POST /webhooks/feishu (handled and delivered before
anything is measured). Then --events reports (the 质检员 reports, so one ticket card back per
event) are posted to the webhook and stored in the inbox, and measured:

1. handling: `app[INBOX].drain()` — the same grouping and `_handle` as each lane of the
   consumer (the reports of 40 chats wait in turn, so up to --group of them share a
   transaction; --group 1: each alone, as when they arrive one at a time);
2. delivery (--deliver): `DeliveryWorker.run_once` until the outbox is empty, against the
   bench's fake Feishu (bench/load/fake.py) with its limits lifted, served by an event loop
   in another thread whose CPU is taken out: CPU is the process's (aiosqlite runs SQLite in
   a thread of its own, which counts) less the fake's thread.

Statements are counted with a SQLAlchemy `before_cursor_execute` listener (the inbox's own
reads and deletes included: on SQLite they go to the inbox's engine, also counted). --top N
prints the most frequent statements; --profile FILE writes cProfile stats of the handling
(read them with `python -m pstats FILE`), a second run of the same events being too costly to
redo: profile in a run of its own, as cProfile roughly doubles the CPU figures.

Usage: python bench/handler_cost.py [--events 400] [--database-url postgresql+asyncpg://…]
                                    [--deliver] [--top 20] [--profile /tmp/h.prof]

Figures (issue 18, handling; 300 reports a run; c3450ee's tree before, the same with this
work after, run in turn; median (min–max) of three pairs on SQLite, one pair on PostgreSQL;
a 2-core machine that other work kept at a load of 8–14, which makes every CPU figure larger
than on an idle one and moves it ±20 % from run to run: compare before with after, not with
figures of other days):

                             CPU ms/report, before   after               statements, before → after
  SQLite, each event alone   12.2 (10.0–13.8)        9.0 (8.1–10.5)      15.2 → 12.1
  SQLite, up to 20 together   9.4 (7.5–9.7)          6.2 (6.1–6.4)       13.2 → 12.2
  PostgreSQL, alone          14.5                    9.4                 13.5 → 10.3
  PostgreSQL, together       11.0                    7.7                 13.1 → 12.1
  (after / before, pair by pair: SQLite alone 0.65–0.85, together 0.65–0.82; PG 0.65, 0.70)
bench/e2e.py --seconds 15 --worker-process on the working tree of 14:15 (SQLite, the same
loaded machine): worker CPU per report 8.8 ms, handling and delivery (17–26 ms that morning,
before this work and the delivery work of the same day).

What made it cheaper: the report's ticket is written with one INSERT … RETURNING (Tx.insert)
instead of a unit-of-work flush; its cards take the photo count from the report instead of
reading the attachments back (that read also flushed the timeline and audit rows early); an
event handled alone runs without a savepoint (a refusal or failure is written in a
transaction of its own instead); the category and severity word lists are lower-cased once
and calendars parsed once per distinct setting, not per report; cards go to the outbox
without dataclasses.asdict's deep copies; the webhook hook listens once per session class and
reads subscriptions as plain rows. What is left is mostly SQLAlchemy's own per-statement and
per-transaction work (a bare transaction with one claim and its COMMIT: ≈ 1 ms here).
"""
from __future__ import annotations

import argparse
import asyncio
import collections
import cProfile
import logging
import os
import re
import sys
import threading
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aiohttp.test_utils import TestClient, TestServer  # noqa: E402
from sqlalchemy import event  # noqa: E402

from load.events import (APP_ID, APP_SECRET, ENCRYPT_KEY, VERIFICATION_TOKEN, Layout,  # noqa: E402
                         prepare, report_text)
from load.fake import FakeFeishu  # noqa: E402
from load.sitebot import database, workdir  # noqa: E402


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=400, help="reports measured (400)")
    parser.add_argument("--chats", type=int, default=40, help="bound group chats (40)")
    parser.add_argument("--database-url", default="",
                        help="PostgreSQL server (a scratch database is made on it); default SQLite")
    parser.add_argument("--group", type=int, default=0,
                        help="at most this many events of different chats per transaction "
                             "(the consumer's max_group; default: its own)")
    parser.add_argument("--deliver", action="store_true", help="measure delivery too")
    parser.add_argument("--top", type=int, default=0, help="print the N most frequent statements")
    parser.add_argument("--profile", default="", help="write cProfile stats of the handling here")
    return parser.parse_args()


class Statements:
    """Counts statements sent to the database, by a shape with the literals taken out."""

    def __init__(self) -> None:
        self.count = 0
        self.shapes: collections.Counter[str] = collections.Counter()
        self.on = False

    def watch(self, engine: Any) -> None:
        event.listen(engine.sync_engine, "before_cursor_execute", self._seen)

    def _seen(self, conn, cursor, statement, parameters, context, executemany) -> None:  # noqa: ANN001
        if self.on:
            self.count += 1
            self.shapes[re.sub(r"\s+", " ", statement)[:int(os.environ.get("SHAPE_WIDTH", "110"))]] += 1

    def reset(self) -> None:
        self.count = 0
        self.shapes.clear()


class FakeThread:
    """The fake Feishu on an event loop of its own thread: its CPU is not this thread's."""

    def __init__(self) -> None:
        self.fake = FakeFeishu(app_per_second=10**6, target_per_second=10**6)
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)

    def start(self) -> str:
        self.thread.start()
        return asyncio.run_coroutine_threadsafe(self.fake.start(), self.loop).result(30)

    def cpu(self) -> float:
        return time.clock_gettime(time.pthread_getcpuclockid(self.thread.ident))

    def stop(self) -> None:
        asyncio.run_coroutine_threadsafe(self.fake.stop(), self.loop).result(30)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)


def settings_for(url: str, fake_url: str, media: Path) -> Any:
    from bot.settings import load_settings
    return load_settings(env={}, overrides={
        "server": {"console": False}, "database": {"url": url}, "media": {"dir": str(media)},
        "feishu": {"app_id": APP_ID, "app_secret": APP_SECRET,
                   "verification_token": VERIFICATION_TOKEN, "encrypt_key": ENCRYPT_KEY,
                   "base_url": fake_url}})


async def seed(url: str, layout: Layout) -> None:
    from domain.people import make_admin
    from domain.store.engine import make_engine
    from domain.store.migrate import upgrade
    from domain.store.models import Project
    from domain.store.uow import Store

    store = Store(make_engine(url))
    now = datetime.now(timezone.utc)
    try:
        await upgrade(store.engine)
        async with store.transaction() as tx:
            for code, name in layout.projects:
                tx.add(Project(code=code, name=name, assignment_rules={}, calendar={}, created_at=now))
            await make_admin(tx, layout.admin.name, f"feishu:{layout.admin.open_id}", now)
    finally:
        await store.close()


async def post_all(client: TestClient, events: list) -> None:
    gate = asyncio.Semaphore(16)

    async def post(prepared: Any) -> None:
        async with gate:
            response = await client.post("/webhooks/feishu", data=prepared.body, headers=prepared.headers)
            if response.status != 200:
                raise RuntimeError(f"webhook answered {response.status}: {await response.text()}")

    await asyncio.gather(*(post(e) for e in events))


async def deliver_all(app: Any) -> int:
    from bot import keys
    worker = app[keys.WORKER]
    sent = 0
    for _ in range(10_000):
        claimed = await worker.run_once()
        sent += claimed
        if not claimed:
            async with app[keys.STORE].transaction() as tx:
                if await tx.outbox.next_due() is None:
                    return sent
            await asyncio.sleep(0.01)
    return sent


def per(value: float, n: int) -> str:
    return f"{value / n:.2f}" if n else "-"


async def run(args: argparse.Namespace) -> None:
    from bot.app import create_app

    logging.basicConfig(level=logging.WARNING)
    layout = Layout(args.chats)
    fake_thread = FakeThread()
    fake_url = fake_thread.start()
    try:
        with workdir(False) as tmp:
            async with database(tmp, args.database_url) as (url, name):
                await seed(url, layout)
                app = create_app(settings_for(url, fake_url, tmp / "media"), run_worker=False)
                client = TestClient(TestServer(app))
                await client.start_server()
                try:
                    await measure(args, app, client, fake_thread, layout, name)
                finally:
                    await client.close()
    finally:
        fake_thread.stop()


async def measure(args: argparse.Namespace, app: Any, client: TestClient, fake_thread: FakeThread,
                  layout: Layout, name: str) -> None:
    from bot import keys
    fake = fake_thread.fake
    store, inbox = app[keys.STORE], app[keys.INBOX]

    def cpu_now() -> float:
        return time.process_time() - fake_thread.cpu()

    counter = Statements()
    counter.watch(store.engine)
    if inbox.inbox.engine is not store.engine:
        counter.watch(inbox.inbox.engine)
    binds = [prepare(layout.admin, c.chat_id, f"绑定 {c.code}", at_bot=True) for c in layout.chats]
    adds = [prepare(layout.admin, c.chat_id, f"成员 添加 @_user_2 {c.code} {p.role}", at_bot=True,
                    others=[p]) for c in layout.chats for p in c.people]
    fake.register(binds + adds)
    for batch in (binds, adds):
        await post_all(client, batch)
        await inbox.drain()
    await deliver_all(app)
    said = [d.text for d in fake.delivered]
    if sum("已绑定到" in t for t in said) != len(binds) or sum("已把" in t for t in said) != len(adds):
        raise RuntimeError(f"setup by chat failed: {said[:3]}")

    reports = []
    for i in range(args.events):
        chat = layout.chats[i % len(layout.chats)]
        reports.append(prepare(chat.people[0], chat.chat_id, report_text(i), at_bot=True))
    fake.register(reports)
    await post_all(client, reports)
    await app[keys.INBOX].writer.flush()

    n = args.events
    if args.group:
        inbox.max_group = args.group
    counter.reset()
    counter.on = True
    profile = cProfile.Profile(time.thread_time) if args.profile else None
    cpu0, wall0 = cpu_now(), time.perf_counter()
    if profile:
        profile.enable()
    handled = await inbox.drain()
    if profile:
        profile.disable()
        profile.dump_stats(args.profile)
    cpu, wall = cpu_now() - cpu0, time.perf_counter() - wall0
    counter.on = False
    print(f"handler cost on {name}: {n} reports (@sitebot 报修 from the 质检员, 1 card back each), "
          f"at most {inbox.max_group} per transaction")
    print(f"  handling   {handled} events: CPU {per(cpu * 1000, n)} ms/report, wall "
          f"{per(wall * 1000, n)} ms/report, {per(counter.count, n)} statements/report"
          + (" (under cProfile)" if profile else ""))
    handle_shapes = collections.Counter(counter.shapes)
    if args.deliver:
        counter.reset()
        counter.on = True
        before = len(fake.delivered)
        cpu0, wall0 = cpu_now(), time.perf_counter()
        sent = await deliver_all(app)
        cpu, wall = cpu_now() - cpu0, time.perf_counter() - wall0
        counter.on = False
        replies = sum(1 for d in fake.delivered[before:] if d.event_message_id)
        print(f"  delivery   {sent} rows ({replies} replies at the fake): CPU {per(cpu * 1000, n)} "
              f"ms/report, wall {per(wall * 1000, n)} ms/report, {per(counter.count, n)} "
              f"statements/report")
    if args.top:
        print("  most frequent statements while handling (per report):")
        for shape, count in handle_shapes.most_common(args.top):
            print(f"    {count / n:6.2f}  {shape}")
        if args.deliver:
            print("  while delivering (per report):")
            for shape, count in counter.shapes.most_common(args.top):
                print(f"    {count / n:6.2f}  {shape}")


def main() -> None:
    asyncio.run(run(parse_args()))


if __name__ == "__main__":
    main()
