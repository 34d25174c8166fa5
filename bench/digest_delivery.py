"""Digests for many projects at the same minute, delivered within the platforms' limits.

Seeds N projects (each with milestones and today's site log, bound to one customer group on
Feishu, a WeCom group robot or a DingTalk group robot; every 20 projects share a customer whose
contact asked for the digest and is reached as a WeCom app member, so a member gets 20
digests at once), then:

1. render and queue: the real digest job (`handlers.progress.jobs.scan_digests`) at 18:00;
2. deliver: the real `DeliveryWorker` against a fake platform HTTP server on 127.0.0.1 that
   ENFORCES the limits and answers 429 when one is exceeded:
     Feishu: 5 per second per chat, 50 per second per app;
     WeCom and DingTalk group robots: 20 per minute per robot;
     WeCom app messages: 30 per minute (and 1000 per hour) per member.
   The fake counts "at most N in any window of P seconds" at arrival (the strictest reading of
   a documented limit). The bench adapter declares the same limits through `limits()`.

Prints the time to render and queue, the time to deliver, the achieved rate as a fraction of
what the limits allow (the fastest delivery they permit / the actual time), and the number of
rate-limit answers (target: zero).

--speedup S divides every limit's period by S, in the adapter and in the fake alike (so 50/s
becomes 50 per 1/S s): the same schedule, S times faster, for large N on a small machine.

Usage: python bench/digest_delivery.py [--projects 500] [--speedup 1] [--database-url URL]
"""
from __future__ import annotations

import argparse
import asyncio
import collections
import logging
import os
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
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
from domain.store.models import (ChatBinding, Contact, Customer, DailyLog, Identity, Milestone,  # noqa: E402
                                 OutboxMessage, Person, Project, ProjectMember)
from domain.store.uow import Store  # noqa: E402
from handlers.chat.context import Deps  # noqa: E402
from handlers.chat.i18n import Catalog  # noqa: E402
from handlers.chat.jobs import JobRunner  # noqa: E402
from handlers.progress.jobs import scan_digests  # noqa: E402
from domain.tickets.rules import TicketRules  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

TZ = ZoneInfo("Asia/Shanghai")
PROJECTS_PER_CONTACT = 20




def limits_for(platform: str, kind: str, ident: str, speedup: float) -> list[tuple[str, int, float]]:
    """(bucket key, count, period seconds): what the platforms allow (PLATFORMS.md)."""
    def scaled(count: int, period: float) -> tuple[int, float]:
        return count, period / speedup
    if platform == "feishu":
        return [("feishu:app", *scaled(50, 1.0)), (f"feishu:{kind}:{ident}", *scaled(5, 1.0))]
    if platform == "wecom" and kind == "user":
        return [(f"wecom:user:{ident}:60", *scaled(30, 60.0)), (f"wecom:user:{ident}:3600", *scaled(1000, 3600.0))]
    return [(f"{platform}:robot:{ident}", *scaled(20, 60.0))]   # WeCom and DingTalk group robots


class FakePlatform:
    """Accepts a message unless it would exceed one of its limits (then 429)."""

    def __init__(self, speedup: float) -> None:
        self.speedup = speedup
        self.sent: collections.Counter[str] = collections.Counter()
        self.refused = 0
        self.last: dict[str, float] = {}
        self._seen: dict[str, collections.deque] = collections.defaultdict(collections.deque)

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/send/{platform}/{kind}/{ident}", self.send)
        return app

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
    async with store.transaction() as tx:
        foreman = Person(name="李工长", org_roles=[], created_at=now)
        tx.add(foreman)
        customers = []
        for c in range((n + PROJECTS_PER_CONTACT - 1) // PROJECTS_PER_CONTACT):
            customer = Customer(name=f"客户{c:04d}", type="developer", tags=[], created_at=now)
            contact = Person(name=f"业主{c:04d}", org_roles=[], created_at=now)
            tx.add(customer)
            tx.add(contact)
            customers.append((customer, contact))
        await tx.flush()
        for customer, contact in customers:
            tx.add(Identity(person_id=contact.id, platform="wecom", external_id=f"owner{customer.id}",
                            alt_ids={}, created_at=now))
            tx.add(Contact(customer_id=customer.id, person_id=contact.id, name=contact.name,
                           wants_digest=True))
        for i in range(n):
            platform, chat = platform_of(i)
            project = Project(code=f"P-{i + 1:05d}", name=f"项目{i + 1}", assignment_rules={}, calendar={},
                              customer_id=customers[i // PROJECTS_PER_CONTACT][0].id, created_at=now)
            tx.add(project)
            if i % 500 == 499:
                await tx.flush()
        await tx.flush()
        projects = list(await tx.session.scalars(select(Project).order_by(Project.id)))
        for i, project in enumerate(projects):
            platform, chat = platform_of(i)
            tx.add(ChatBinding(platform=platform, chat_id=chat, project_id=project.id,
                               audience=Audience.CUSTOMER.value, created_at=now))
            tx.add(ProjectMember(project_id=project.id, person_id=foreman.id, role=Role.FOREMAN.value,
                                 created_at=now))
            for seq, (name, weight, done) in enumerate((("基础", 20, 100), ("主体", 40, 60),
                                                        ("装修", 40, 0)), 1):
                tx.add(Milestone(project_id=project.id, name=name, seq=seq, weight=weight, progress=done,
                                 planned_start=today - timedelta(days=120 - 40 * seq),
                                 planned_end=today + timedelta(days=40 * seq - 100),
                                 actual_start=today - timedelta(days=120) if done else None))
            tx.add(DailyLog(project_id=project.id, log_date=today, author_id=foreman.id, weather="晴",
                            work_done="主体结构 5 层钢筋绑扎", crew_count=30, photos=[], created_at=now))
            if i % 500 == 499:
                await tx.flush()


def fastest_possible(rows: list[OutboxMessage], speedup: float) -> float:
    """The least time the limits allow for these rows. With "at most N in any window of P", a
    bucket holding m messages needs (ceil(m / N) - 1) * P; the binding bucket sets the figure."""
    per_bucket: collections.Counter[tuple[str, int, float]] = collections.Counter()
    for row in rows:
        for spec in limits_for(row.platform, row.target_type, row.target_id, speedup):
            per_bucket[spec] += 1
    return max(((-(-messages // count) - 1) * period for (_, count, period), messages in per_bucket.items()),
               default=0.0)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--projects", type=int, default=500)
    parser.add_argument("--speedup", type=float, default=1.0)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--batch-size", type=int, default=200)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite+aiosqlite:///{tmp}/bench.db"
        store = Store(make_engine(url))
        await upgrade(store.engine)
        now = datetime(2026, 11, 23, 10, 0, tzinfo=timezone.utc)   # 18:00 in Shanghai
        today = now.astimezone(TZ).date()
        started = time.perf_counter()
        await seed(store, args.projects, now, today)
        print(f"seeded {args.projects} projects in {time.perf_counter() - started:.1f} s ({store.dialect})")

        links = PageLinks(os.urandom(32), "https://sitebot.example.com", 7)
        deps = Deps(catalog=Catalog(TEMPLATES_DIR / "i18n"), rules=TicketRules(), timezone=TZ,
                    progress=ProgressRules(), page_link=lambda project, at: links.url(project.code, at))
        runner = JobRunner(store, deps, lambda: now, name="bench")
        started = time.perf_counter()
        performed = await scan_digests(runner)
        render = time.perf_counter() - started
        async with store.transaction() as tx:
            rows = list(await tx.session.scalars(select(OutboxMessage)))
        print(f"render and queue: {render:.1f} s for {performed} digests, {len(rows)} messages "
              f"({len(rows) / render:.0f} messages/s)")

        fake = FakePlatform(args.speedup)
        runner_web = web.AppRunner(fake.app())
        await runner_web.setup()
        site = web.TCPSite(runner_web, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]
        async with ClientSession(connector=TCPConnector(limit=200),
                                 timeout=ClientTimeout(total=30)) as http:
            adapters = {p: BenchAdapter(p, http, f"http://127.0.0.1:{port}", args.speedup)
                        for p in ("feishu", "wecom", "dingtalk")}
            settings = DeliverySettings(batch_size=args.batch_size, concurrency=args.concurrency)
            worker = DeliveryWorker(store, adapters, settings, lambda: datetime.now(timezone.utc),
                                    idle_seconds=0.05)
            started = time.perf_counter()
            task = asyncio.create_task(worker.run())
            while True:
                await asyncio.sleep(0.5)
                async with store.transaction() as tx:
                    left = await tx.session.scalar(select(func.count(OutboxMessage.id)).where(
                        OutboxMessage.status.in_(("pending", "sending"))))
                if not left:
                    break
            deliver = time.perf_counter() - started
            began = time.monotonic() - deliver
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
        await runner_web.cleanup()
        async with store.transaction() as tx:
            failed = await tx.session.scalar(select(func.count(OutboxMessage.id)).where(
                OutboxMessage.status == "failed"))
        floor = fastest_possible(rows, args.speedup)
        by_platform = ", ".join(f"{p} {n}" for p, n in sorted(fake.sent.items()))
        print(f"deliver: {deliver:.1f} s for {sum(fake.sent.values())} messages ({by_platform}); "
              f"failed {failed}")
        print(f"achieved rate: {floor / deliver:.0%} of what the limits allow "
              f"(fastest the limits permit: {floor:.1f} s, speedup {args.speedup:g})")
        feishu_rate = fake.sent["feishu"] / deliver
        print(f"feishu app-wide: {feishu_rate:.1f} messages/s of {50 * args.speedup:g}/s allowed")
        print("last message at: " + ", ".join(f"{k} {t - began:.1f} s" for k, t in sorted(fake.last.items())))
        print(f"rate-limit errors (429): {fake.refused}")
        await store.close()


if __name__ == "__main__":
    asyncio.run(main())
