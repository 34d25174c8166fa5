"""Digests for many projects at the same minute, delivered within the platforms' limits.

Seeds N projects (default 10,000; bulk inserts), each with milestones and today's site log,
bound to one customer group on Feishu, a WeCom group robot or a DingTalk group robot; every 20
projects share a customer whose contact asked for the digest and is reached as a WeCom app
member, so a member gets 20 digests at once. Then:

1. render and queue: the real digest job (`handlers.progress.jobs.scan_digests`) at 18:00,
   `--repeat` times on the same data (claims and outbox emptied between runs): median, best and
   worst, in projects per second. The reference, measured in the same run first: the same
   digests one transaction per project with the one-project reads (`had_activity`,
   `customer_digest`, a card drawn per recipient), as the job did before it batched them, for
   `--reference` projects;
2. deliver (the last run's messages): the real `DeliveryWorker` against a fake platform HTTP
   server on 127.0.0.1, in a process of its own, that ENFORCES the limits and answers 429 when
   one is exceeded:
     Feishu: 5 per second per chat, 50 per second per app;
     WeCom and DingTalk group robots: 20 per minute per robot;
     WeCom app messages: 30 per minute (and 1000 per hour) per member.
   (Feishu's 1000 per minute per app too, unless --feishu-per-minute 0: the figures before
   it was counted.) The fake counts "at most N in any window of P seconds" at arrival (the
   strictest reading of a documented limit). The bench adapter declares the same limits
   through `limits()`.

Prints the time to render and queue, the time to deliver (until the platform's last arrival),
the achieved rate as a fraction of what the limits allow (the fastest delivery they permit /
the actual time), and the number of rate-limit answers (target: zero). The fastest delivery:
every message sent as early as all its windows allow, in queue order (with a per-minute limit
that is the minute's 1000 at 50/s, then a wait for the next minute).

--speedup S divides every limit's period by S, in the adapter and in the fake alike (so 50/s
becomes 50 per 1/S s): the same schedule, S times faster, for large N on a small machine.
A PostgreSQL database given with --database-url is emptied first, so its name must contain
"bench" or "test" (`scripts/pg-test-server sitebot_bench` makes one).

Usage: python bench/digest_delivery.py [--projects 10000] [--repeat 3] [--reference 300]
           [--speedup 1] [--feishu-per-minute 1000] [--no-deliver] [--database-url URL]
"""
from __future__ import annotations

import argparse
import asyncio
import collections
import logging
import multiprocessing
import os
import sys
import tempfile
import statistics
import time
from datetime import date, datetime, timedelta, timezone
from functools import partial
from pathlib import Path
from zoneinfo import ZoneInfo

from aiohttp import ClientSession, ClientTimeout, TCPConnector, web

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.delivery.ports import RateLimited, Sent, TransientError  # noqa: E402
from bot.delivery.worker import DeliveryWorker  # noqa: E402
from bot.pages.links import PageLinks  # noqa: E402
from bot.paths import TEMPLATES_DIR  # noqa: E402
from bot.settings import DeliverySettings  # noqa: E402
from domain.enums import Audience, Role  # noqa: E402
from domain.progress.rules import ProgressRules  # noqa: E402
from domain.store.engine import make_engine  # noqa: E402
from domain.store.migrate import upgrade  # noqa: E402
from domain.progress.digest import customer_digest, had_activity  # noqa: E402
from domain.store.models import (ChatBinding, Contact, Customer, DailyLog, Identity, Milestone,  # noqa: E402
                                 OutboxMessage, Person, Project, ProjectMember, ScheduledRun)
from domain.store.uow import Store  # noqa: E402
from handlers.chat.context import Deps  # noqa: E402
from handlers.chat.i18n import Catalog  # noqa: E402
from handlers.chat.jobs import JobRunner  # noqa: E402
from handlers.progress.cards import digest_card, page_link  # noqa: E402
from handlers.progress.jobs import digest_key, scan_digests  # noqa: E402
from domain.tickets.rules import TicketRules  # noqa: E402
from sqlalchemy import delete, func, insert, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

TZ = ZoneInfo("Asia/Shanghai")
PROJECTS_PER_CONTACT = 20
FEISHU_PER_MINUTE = [1000]   # --feishu-per-minute (0: not counted), for the fake's process too


def limits_for(platform: str, kind: str, ident: str, speedup: float) -> list[tuple[str, int, float]]:
    """(bucket key, count, period seconds): what the platforms allow (PLATFORMS.md)."""
    def scaled(count: int, period: float) -> tuple[int, float]:
        return count, period / speedup
    if platform == "feishu":
        per_minute = [("feishu:app:60", *scaled(FEISHU_PER_MINUTE[0], 60.0))] if FEISHU_PER_MINUTE[0] else []
        return [("feishu:app", *scaled(50, 1.0)), *per_minute, (f"feishu:{kind}:{ident}", *scaled(5, 1.0))]
    if platform == "wecom" and kind == "user":
        return [(f"wecom:user:{ident}:60", *scaled(30, 60.0)), (f"wecom:user:{ident}:3600", *scaled(1000, 3600.0))]
    return [(f"{platform}:robot:{ident}", *scaled(20, 60.0))]   # WeCom and DingTalk group robots


class FakePlatform:
    """Accepts a message unless it would exceed one of its limits (then 429)."""

    def __init__(self, speedup: float) -> None:
        self.speedup = speedup
        self.sent: collections.Counter[str] = collections.Counter()
        self.refused = 0
        self.refused_by: collections.Counter[str] = collections.Counter()   # which limit said no
        self.last: dict[str, float] = {}
        self._seen: dict[str, collections.deque] = collections.defaultdict(collections.deque)

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/send/{platform}/{kind}/{ident}", self.send)
        app.router.add_get("/stats", self.stats)
        return app

    async def stats(self, request: web.Request) -> web.Response:
        return web.json_response({"sent": self.sent, "refused": self.refused, "refused_by": self.refused_by,
                                  "last": self.last})

    async def send(self, request: web.Request) -> web.Response:
        platform, kind, ident = (request.match_info[k] for k in ("platform", "kind", "ident"))
        await request.read()
        now = time.monotonic()
        specs = limits_for(platform, kind, ident, self.speedup)
        for key, count, period in specs:
            seen = self._seen[key]
            while seen and seen[0] <= now - period:
                seen.popleft()
            if len(seen) >= count:
                self.refused += 1
                self.refused_by[key.replace(ident, "*")] += 1
                wait = seen[0] + period - now
                return web.json_response({"code": 99991400, "msg": "request trigger frequency limit"},
                                         status=429, headers={"x-ogw-ratelimit-reset": f"{wait:.3f}"})
        for key, _, _ in specs:
            self._seen[key].append(now)
        self.sent[platform] += 1
        self.last[f"{platform}:{'user' if kind == 'user' else 'group'}"] = now
        return web.json_response({"code": 0, "data": {"message_id": f"m{sum(self.sent.values())}"}})


class BenchAdapter:
    """One per platform; posts to the fake and declares the same limits."""

    def __init__(self, platform: str, http: ClientSession, base: str, speedup: float) -> None:
        self.platform, self.http, self.base, self.speedup = platform, http, base, speedup

    def limits(self, target) -> list[tuple[str, int, float]]:  # noqa: ANN001
        """The same "N in any window of P" limits the fake enforces; the worker adds its own
        guard for arrival jitter (bot/delivery/limits.py)."""
        return limits_for(self.platform, target.kind, target.id, self.speedup)

    async def send(self, target, body, *, idempotency_key: str, reply_to: str | None) -> Sent:  # noqa: ANN001
        url = f"{self.base}/send/{self.platform}/{target.kind}/{target.id}"
        async with self.http.post(url, json=body.to_payload()) as response:
            data = await response.json()
            if response.status == 429:
                raise RateLimited("429", float(response.headers.get("x-ogw-ratelimit-reset", "1")))
            if response.status != 200:
                raise TransientError(f"HTTP {response.status}")
            return Sent(data["data"]["message_id"])

    async def update(self, post, body):  # noqa: ANN001, ANN201
        return None


def platform_of(index: int) -> tuple[str, str]:
    """60 % Feishu groups, 20 % WeCom group robots, 20 % DingTalk group robots."""
    slot = index % 10
    if slot < 6:
        return "feishu", f"oc_{index:06d}"
    return ("wecom", f"robot-{index:06d}") if slot < 8 else ("dingtalk", f"robot-{index:06d}")


async def seed(store: Store, n: int, now: datetime, today: date) -> None:
    """Bulk inserts (a few statements per table), the same data the ORM objects would make."""
    async with store.transaction() as tx:
        async def run(model: type, rows: list[dict]) -> None:
            await tx.session.execute(insert(model.__table__), rows)   # Core executemany

        await run(Person, [{"name": "李工长", "org_roles": [], "created_at": now}])
        foreman = await tx.session.scalar(select(Person.id).where(Person.name == "李工长"))
        groups = (n + PROJECTS_PER_CONTACT - 1) // PROJECTS_PER_CONTACT
        await run(Customer, [{"name": f"客户{c:04d}", "type": "developer", "tags": [], "created_at": now}
                                     for c in range(groups)])
        await run(Person, [{"name": f"业主{c:04d}", "org_roles": [], "created_at": now}
                                   for c in range(groups)])
        customers = list(await tx.session.scalars(select(Customer.id).order_by(Customer.id)))
        owners = list(await tx.session.scalars(
            select(Person.id).where(Person.name.like("业主%")).order_by(Person.id)))
        await run(Identity, [{"person_id": o, "platform": "wecom", "external_id": f"owner{c}",
                                      "alt_ids": {}, "created_at": now} for c, o in zip(customers, owners)])
        await run(Contact, [{"customer_id": c, "person_id": o, "name": f"业主{i:04d}",
                                     "wants_digest": True} for i, (c, o) in enumerate(zip(customers, owners))])
        await run(Project, [{"code": f"P-{i + 1:05d}", "name": f"项目{i + 1}", "assignment_rules": {},
                                     "calendar": {}, "customer_id": customers[i // PROJECTS_PER_CONTACT],
                                     "created_at": now} for i in range(n)])
        projects = list(await tx.session.scalars(select(Project.id).order_by(Project.id)))
        bindings, members, milestones, logs = [], [], [], []
        for i, project in enumerate(projects):
            platform, chat = platform_of(i)
            bindings.append({"platform": platform, "chat_id": chat, "project_id": project,
                             "audience": Audience.CUSTOMER.value, "created_at": now})
            members.append({"project_id": project, "person_id": foreman, "role": Role.FOREMAN.value,
                            "created_at": now})
            for seq, (name, weight, done) in enumerate((("基础", 20, 100), ("主体", 40, 60),
                                                        ("装修", 40, 0)), 1):
                milestones.append({"project_id": project, "name": name, "seq": seq, "weight": weight,
                                   "progress": done, "planned_start": today - timedelta(days=120 - 40 * seq),
                                   "planned_end": today + timedelta(days=40 * seq - 100),
                                   "actual_start": today - timedelta(days=120) if done else None})
            logs.append({"project_id": project, "log_date": today, "author_id": foreman, "weather": "晴",
                         "work_done": "主体结构 5 层钢筋绑扎", "crew_count": 30, "photos": [],
                         "created_at": now})
        for model, rows in ((ChatBinding, bindings), (ProjectMember, members), (Milestone, milestones),
                            (DailyLog, logs)):
            await run(model, rows)


async def reset(store: Store) -> None:
    """Forget today's digests: their claims and the messages they queued."""
    async with store.transaction() as tx:
        await tx.session.execute(delete(OutboxMessage))
        await tx.session.execute(delete(ScheduledRun).where(ScheduledRun.key.like("digest:%")))


async def one_by_one(runner: JobRunner, day: date, count: int) -> int:
    """The digest job as it was: one transaction per project (`JobRunner.once`), reading
    the project's data with the one-project queries, a card drawn for each recipient."""
    async with runner.reading() as tx:
        projects = (await tx.progress.active_projects())[:count]
    performed = 0
    for project in projects:
        performed += await runner.once(digest_key(project, day), partial(_one_digest, project.id, day))
    return performed


async def _one_digest(project_id: int, day: date, effect) -> None:  # noqa: ANN001
    deps, tx = effect.deps, effect.tx
    project = await tx.projects.get(project_id)
    idle_ok = project.digest_when_idle if project.digest_when_idle is not None else deps.progress.send_when_idle
    if not idle_ok and not await had_activity(tx, project, day, deps.timezone):
        return
    data = await customer_digest(tx, project, day, deps.timezone)

    def card(locale: str):  # noqa: ANN202
        return digest_card(deps, locale, data, page_link(deps, locale, project, effect.now))

    await effect.post_to_project(project.id, Audience.CUSTOMER, card, "digest")
    if project.customer_id is not None:
        for person in await tx.progress.digest_contacts(project.customer_id):
            await effect.notify(person, card, "digest-dm")


async def scratch(url: str, tmp: str) -> Store:
    """A store on an empty database: a file in `tmp`, or the PostgreSQL database `url` emptied."""
    store = Store(make_engine(url or f"sqlite+aiosqlite:///{tmp}/bench.db"))
    if store.dialect == "postgresql":
        name = make_url(url).database or ""
        if "bench" not in name and "test" not in name:
            raise SystemExit(f"refusing to empty database {name!r}: use a scratch database "
                             "whose name contains 'bench' or 'test'")
        async with store.engine.begin() as conn:
            await conn.execute(text("DROP SCHEMA public CASCADE"))
            await conn.execute(text("CREATE SCHEMA public"))
    await upgrade(store.engine)
    return store


def fastest_possible(rows: list[OutboxMessage], speedup: float) -> float:
    """The least time the limits allow for these rows: each sent, in queue order, as early as
    every window it needs has room ("at most N in any window of P": the N-th last send in
    the window plus P), answers taking no time. A bucket alone with m messages needs
    (ceil(m / N) - 1) * P; two on the same messages (50/s and 1000/min) need more than either."""
    sent: dict[str, collections.deque] = collections.defaultdict(collections.deque)
    last = 0.0
    for row in sorted(rows, key=lambda r: r.id):
        specs = limits_for(row.platform, row.target_type, row.target_id, speedup)
        at = 0.0
        for key, count, period in specs:
            times = sent[key]
            at = max(at, times[-1] if times else 0.0, times[-count] + period if len(times) >= count else 0.0)
        for key, count, _ in specs:
            sent[key].append(at)
            if len(sent[key]) > count:
                sent[key].popleft()
        last = max(last, at)
    return last


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--projects", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs of render and queue")
    parser.add_argument("--reference", type=int, default=300,
                        help="projects for the one-transaction-per-digest reference (0: none)")
    parser.add_argument("--speedup", type=float, default=1.0)
    parser.add_argument("--no-deliver", action="store_true", help="render and queue only")
    parser.add_argument("--database-url", default="")
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--batch-size", type=int, default=200)
    parser.add_argument("--feishu-per-minute", type=int, default=1000,
                        help="Feishu's per-app minute limit, in the fake and the adapter (0: not counted)")
    args = parser.parse_args()
    FEISHU_PER_MINUTE[0] = args.feishu_per_minute
    logging.basicConfig(level=logging.WARNING)
    with tempfile.TemporaryDirectory() as tmp:
        store = await scratch(args.database_url, tmp)
        now = datetime(2026, 11, 23, 10, 0, tzinfo=timezone.utc)   # 18:00 in Shanghai
        today = now.astimezone(TZ).date()
        started = time.perf_counter()
        await seed(store, args.projects, now, today)
        print(f"seeded {args.projects} projects in {time.perf_counter() - started:.1f} s ({store.dialect})")

        links = PageLinks(os.urandom(32), "https://sitebot.example.com", 7)
        deps = Deps(catalog=Catalog(TEMPLATES_DIR / "i18n"), rules=TicketRules(), timezone=TZ,
                    progress=ProgressRules(), page_link=lambda project, at: links.url(project.code, at))
        runner = JobRunner(store, deps, lambda: now, name="bench")
        if args.reference:
            started = time.perf_counter()
            done = await one_by_one(runner, today, args.reference)
            took = time.perf_counter() - started
            print(f"reference, one transaction per digest (the job before batching): {done} digests in "
                  f"{took:.1f} s, {done / took:.0f} projects/s ({args.projects} would take "
                  f"{args.projects * took / max(done, 1):.0f} s)")
            await reset(store)
        times, cpus = [], []
        for number in range(args.repeat):
            if number:
                await reset(store)
            started, cpu = time.perf_counter(), time.process_time()
            performed = await scan_digests(runner)
            times.append(time.perf_counter() - started)
            cpus.append(time.process_time() - cpu)
        async with store.transaction() as tx:
            rows = list(await tx.session.scalars(select(OutboxMessage)))
        render = statistics.median(times)
        print(f"render and queue: {performed} digests, {len(rows)} messages in median {render:.2f} s "
              f"(best {min(times):.2f}, worst {max(times):.2f} s over {args.repeat} runs): "
              f"{performed / render:.0f} projects/s, {len(rows) / render:.0f} messages/s; CPU median "
              f"{statistics.median(cpus):.2f} s (best {min(cpus):.2f}, worst {max(cpus):.2f}; the wall "
              f"time on a busy machine also counts the waits for a CPU)")
        if not args.no_deliver:
            await deliver(store, rows, args)
        await store.close()


def serve_fake(speedup: float, per_minute: int, conn) -> None:  # noqa: ANN001 - a multiprocessing connection
    """The fake platform in a process of its own, as the real ones are elsewhere: the arrival
    times it counts are not bunched by the bench's own event loop."""
    FEISHU_PER_MINUTE[0] = per_minute

    async def serve() -> None:
        runner = web.AppRunner(FakePlatform(speedup).app(), access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        conn.send(site._server.sockets[0].getsockname()[1])
        await asyncio.Event().wait()
    asyncio.run(serve())


async def deliver(store: Store, rows: list[OutboxMessage], args: argparse.Namespace) -> None:
    parent, child = multiprocessing.Pipe()
    fake = multiprocessing.get_context("spawn").Process(target=serve_fake,
                                                        args=(args.speedup, args.feishu_per_minute, child),
                                                        daemon=True)
    fake.start()
    port = await asyncio.get_running_loop().run_in_executor(None, parent.recv)
    base = f"http://127.0.0.1:{port}"
    try:
        async with ClientSession(connector=TCPConnector(limit=200),
                                 timeout=ClientTimeout(total=30)) as http:
            adapters = {p: BenchAdapter(p, http, base, args.speedup) for p in ("feishu", "wecom", "dingtalk")}
            settings = DeliverySettings(batch_size=args.batch_size, concurrency=args.concurrency)
            worker = DeliveryWorker(store, adapters, settings, lambda: datetime.now(timezone.utc),
                                    idle_seconds=0.05)
            began = time.monotonic()
            task = asyncio.create_task(worker.run())
            while True:
                await asyncio.sleep(0.5)
                async with store.transaction() as tx:
                    left = await tx.session.scalar(select(func.count(OutboxMessage.id)).where(
                        OutboxMessage.status.in_(("pending", "sending"))))
                if not left:
                    break
            took = time.monotonic() - began
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
            async with http.get(f"{base}/stats") as response:
                stats = await response.json()
    finally:
        fake.terminate()
        fake.join()
    async with store.transaction() as tx:
        failed = await tx.session.scalar(select(func.count(OutboxMessage.id)).where(
            OutboxMessage.status == "failed"))
    floor = fastest_possible(rows, args.speedup)
    sent = collections.Counter(stats["sent"])
    by_platform = ", ".join(f"{p} {n}" for p, n in sorted(sent.items()))
    arrived = max(stats["last"].values()) - began
    print(f"deliver: last arrival at {arrived:.1f} s ({took:.1f} s until all were recorded) for "
          f"{sum(sent.values())} messages ({by_platform}); failed {failed}")
    print(f"achieved rate: {floor / arrived:.1%} of what the limits allow "
          f"(fastest the limits permit: {floor:.1f} s, speedup {args.speedup:g}; Feishu per minute: "
          f"{args.feishu_per_minute or 'not counted'})")
    feishu_last = stats["last"].get("feishu:group", began) - began
    print(f"feishu app-wide: {sent['feishu'] / max(feishu_last, 1e-9):.1f} messages/s on average "
          f"(50/s{' and 1000/min' if args.feishu_per_minute else ''} allowed, speedup {args.speedup:g})")
    print("last message at: " + ", ".join(f"{k} {t - began:.1f} s" for k, t in sorted(stats["last"].items())))
    by_limit = ", ".join(f"{k} {n}" for k, n in sorted(stats["refused_by"].items()))
    print(f"rate-limit errors (429): {stats['refused']}" + (f" ({by_limit})" if by_limit else ""))


if __name__ == "__main__":
    asyncio.run(main())
