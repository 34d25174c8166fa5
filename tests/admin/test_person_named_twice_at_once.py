"""Two messages naming the same new person at the same moment (`成员 添加 @李工长 …` in two site
groups, or on two replicas) both try to create them. On PostgreSQL the second insert waits for
the first transaction and then hits the identity's unique key; that must find the person the
other made, not answer "处理时出错了". Found by the crash tests' company set-up."""
from __future__ import annotations

import asyncio
from datetime import datetime, timezone

from domain.people import ensure_person
from domain.store.uow import Store

NOW = datetime(2026, 11, 28, 8, 0, tzinfo=timezone.utc)


async def test_the_same_new_person_named_at_once_is_made_once(store: Store) -> None:
    first_flushed = asyncio.Event()
    second_started = asyncio.Event()

    async def first() -> int:
        async with store.transaction() as tx:
            person = await ensure_person(tx, "feishu", "ou_li", "李工长", NOW)
            first_flushed.set()
            await second_started.wait()
            await asyncio.sleep(0.3)   # the second is now waiting on our identity row (PG)
            return person.id

    async def second() -> int:
        await first_flushed.wait()
        async with store.transaction() as tx:
            # The look-up before the insert runs now, before the first commits: it sees no one.
            second_started.set()
            return (await ensure_person(tx, "feishu", "ou_li", "李工长", NOW)).id

    if store.dialect == "sqlite":
        # One writer: the second transaction starts after the first commits; same answer.
        ids = [await first_only(store)]
        ids.append(await first_only(store))
    else:
        ids = await asyncio.gather(first(), second())
    assert ids[0] == ids[1]
    async with store.transaction() as tx:
        assert len(await tx.people.by_name("李工长")) == 1


async def first_only(store: Store) -> int:
    async with store.transaction() as tx:
        return (await ensure_person(tx, "feishu", "ou_li", "李工长", NOW)).id
