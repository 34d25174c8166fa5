"""Many scheduled effects in one transaction (`JobRunner.many` / `in_batch`): every key is
performed once — with two runners racing over the same keys, and after a restart — and an
effect that fails (in its code, in the database, or when its messages are written) is undone
alone, with its claim, and performed at the next pass. Runs on SQLite and on PostgreSQL."""
from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from bot.paths import TEMPLATES_DIR
from domain.store.engine import make_engine
from domain.store.models import AuditEntry, Identity, OutboxMessage, Person, ScheduledRun
from domain.store.uow import Store
from handlers.chat.context import Deps
from handlers.chat.contract import Target, Text
from handlers.chat.i18n import Catalog
from handlers.chat.jobs import Effect, JobRunner

KEYS = [f"test:{n:03d}" for n in range(12)]


def runner(store: Store, settings, clock, name: str = "proc") -> JobRunner:  # noqa: ANN001
    deps = Deps(catalog=Catalog(TEMPLATES_DIR / "i18n"), rules=settings.tickets, timezone=settings.timezone)
    return JobRunner(store, deps, clock, name=name)


async def act(effect: Effect) -> None:
    """A typical effect: a change in the store and a message about it."""
    effect.tx.audit.append(at=effect.now, actor_id=None, platform=None, action="test.acted",
                           subject_type="key", subject_id=effect.key)
    effect.post(Target("fake", "chat", "c1"), Text(f"done {effect.key}"), "note")


@dataclass(frozen=True)
class Unwritable(Text):
    """A message the database cannot store (its payload is not JSON)."""

    def to_payload(self) -> dict[str, Any]:
        return {"type": "text", "text": self.text, "bad": object()}


def failing(bad: str, how: str, failures: Counter):  # noqa: ANN201
    """`act`, failing for `bad` during the first pass (which tries the batch twice: straight
    through, then carefully), then working."""
    async def work(effect: Effect) -> None:
        await act(effect)
        if effect.key != bad or failures[how] >= 2:
            return
        failures[how] += 1
        if how == "code":
            raise RuntimeError("a bug in one effect")
        if how == "database":   # a second identity with the same (platform, external id)
            person = Person(name="x", org_roles=[], created_at=effect.now)
            effect.tx.add(person)
            await effect.tx.flush()
            for _ in range(2):
                effect.tx.add(Identity(person_id=person.id, platform="fake", external_id="same",
                                       alt_ids={}, created_at=effect.now))
            await effect.tx.flush()
        if how == "message":
            effect.post(Target("fake", "chat", "c1"), Unwritable("x"), "bad")
    return work


async def acted(store: Store) -> Counter:
    async with store.transaction() as tx:
        return Counter(await tx.session.scalars(select(AuditEntry.subject_id).where(
            AuditEntry.action == "test.acted")))


async def outbox_keys(store: Store) -> list[str]:
    async with store.transaction() as tx:
        return list(await tx.session.scalars(select(OutboxMessage.idempotency_key).order_by(OutboxMessage.id)))


async def claims(store: Store) -> set[str]:
    async with store.transaction() as tx:
        return set(await tx.session.scalars(select(ScheduledRun.key)))


async def test_each_key_once_per_pass_and_never_again(store, settings, clock):
    jobs = runner(store, settings, clock)
    assert await jobs.many([(key, act) for key in KEYS], chunk=5) == len(KEYS)
    assert await jobs.many([(key, act) for key in KEYS], chunk=5) == 0
    assert await acted(store) == Counter({key: 1 for key in KEYS})
    assert await outbox_keys(store) == [f"{key}:note" for key in KEYS]   # in order
    assert await claims(store) == set(KEYS)


async def test_a_failing_effect_is_undone_alone_and_performed_at_the_next_pass(store, settings, clock):
    for how in ("code", "database", "message"):
        bad = KEYS[7]
        keys = [f"{how}:{key}" for key in KEYS]
        failures: Counter = Counter()
        jobs = runner(store, settings, clock)
        work = failing(f"{how}:{bad}", how, failures)
        assert await jobs.many([(key, work) for key in keys], chunk=5) == len(keys) - 1, how
        assert failures[how] == 2
        done = await acted(store)
        assert f"{how}:{bad}" not in done and all(done[key] == 1 for key in keys if not key.endswith(bad))
        assert f"{how}:{bad}" not in await claims(store)
        assert not [k for k in await outbox_keys(store) if k.startswith(f"{how}:{bad}")]
        # The next pass performs it, once.
        assert await jobs.many([(key, work) for key in keys], chunk=5) == 1, how
        assert (await acted(store))[f"{how}:{bad}"] == 1
        assert [k for k in await outbox_keys(store) if k.startswith(f"{how}:{bad}")] == [f"{how}:{bad}:note"]


async def test_two_runners_racing_over_the_same_keys_act_once(db_url, settings, clock):
    stores = [Store(make_engine(db_url)) for _ in range(3)]
    try:
        first, second = runner(stores[0], settings, clock, "a"), runner(stores[1], settings, clock, "b")
        keys = [f"race:{n:03d}" for n in range(60)]
        items = [(key, act) for key in keys]
        done = await asyncio.gather(first.many(items, chunk=7), second.many(list(reversed(items)), chunk=11),
                                    first.many(items, chunk=13), second.many(items, chunk=60))
        assert sum(done) == len(keys)
        assert await acted(stores[0]) == Counter({key: 1 for key in keys})
        assert sorted(await outbox_keys(stores[0])) == sorted(f"{key}:note" for key in keys)
        # A restart (a fresh store and runner) finds nothing left to do.
        assert await runner(stores[2], settings, clock, "c").many(items) == 0
    finally:
        for store in stores:
            await store.close()
