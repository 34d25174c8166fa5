"""Two sitebot processes sharing one database (two Stores, two JobRunners, scanning at the
same moment): every warning, escalation level and repeat happens exactly once, and a process
that comes back after downtime does not repeat what the other did. Meaningful on PostgreSQL
(concurrent transactions racing on the unique claim) and run on SQLite too, where the two
engines' writers queue on the file lock."""
from __future__ import annotations

import asyncio
from collections import Counter

from sqlalchemy import select

from bot.paths import TEMPLATES_DIR
from domain.demo import seed_demo
from domain.store.engine import make_engine
from domain.store.models import OutboxMessage, Project
from domain.store.uow import Store
from domain.tickets import service
from domain.tickets.records import Origin, Policy
from handlers.chat.context import Deps
from handlers.chat.i18n import Catalog
from handlers.chat.jobs import JobRunner
from handlers.registry import build_card_views
from handlers.tickets.jobs import scan
from tests.tickets.helpers import claims, events


def runner(store: Store, settings, clock, name: str) -> JobRunner:  # noqa: ANN001
    deps = Deps(catalog=Catalog(TEMPLATES_DIR / "i18n"), rules=settings.tickets,
                timezone=settings.timezone, card_views=build_card_views())
    return JobRunner(store, deps, clock, name=name)


async def test_two_processes_escalate_each_level_once(db_url, settings, clock):
    first, second = Store(make_engine(db_url)), Store(make_engine(db_url))
    try:
        async with first.transaction() as tx:
            await seed_demo(tx, clock(), settings.timezone)
            project = await tx.session.scalar(select(Project).where(Project.code == "P-001"))
            reporter = (await tx.people.by_identity("console", "u-li"))
            await service.report(tx, Policy(settings.tickets, settings.timezone), reporter, project,
                                 "5号楼3层卫生间渗水，比较急", clock(), Origin("console", "p001-site"))
        a, b = runner(first, settings, clock, "proc-a"), runner(second, settings, clock, "proc-b")
        performed = 0
        # Every 5 minutes for 6 hours, both processes scan at the same moment.
        for _ in range(72):
            clock.advance(minutes=5)
            done = await asyncio.gather(scan(a), scan(b), scan(a), scan(b))
            performed += sum(done)
        kinds = Counter((e.kind, e.data.get("level"), e.data.get("window"), e.data.get("repeat"))
                        for e in await events(first) if e.kind != "created")
        assert kinds == Counter({
            ("warned", None, "accept", None): 1, ("warned", None, "resolve", None): 1,
            ("escalated", 2, None, 0): 1, ("escalated", 3, None, 0): 1,
            ("escalation_repeated", 3, None, 1): 1, ("escalation_repeated", 3, None, 2): 1,
            ("escalation_repeated", 3, None, 3): 1})
        assert performed == 7 == await claims(first)
        async with second.transaction() as tx:
            keys = list(await tx.session.scalars(select(OutboxMessage.idempotency_key)))
            by_person = Counter(
                row.target_id for row in await tx.session.scalars(select(OutboxMessage).where(
                    OutboxMessage.idempotency_key.like("escalate:T-1:L2:%esc-card%"))))
        assert len(keys) == len(set(keys))
        assert by_person == Counter({"u-chen": 1, "u-zhou": 1})   # 项目部 told once each
        # A third process starting after "downtime" finds nothing left to do.
        third = Store(make_engine(db_url))
        try:
            clock.advance(hours=12)
            assert await scan(runner(third, settings, clock, "proc-c")) == 0
        finally:
            await third.close()
    finally:
        await first.close()
        await second.close()
