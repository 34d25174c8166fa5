"""Projects created at the same moment on PostgreSQL (two replicas, or two lanes of one) get
distinct codes: found by the nginx replica test, where concurrent `项目 新建` picked the same
P-0nn and all but one failed with "internal error". SQLite has one writer, so it never raced."""
from __future__ import annotations

import asyncio
from datetime import datetime, timezone

import pytest

from domain.people import make_admin
from domain.projects.service import NewProject, create_project
from domain.store.uow import Store
from tests.conftest import PG_URL

NOW = datetime(2026, 11, 23, 6, 0, tzinfo=timezone.utc)
AT_ONCE = 12


async def test_projects_created_at_once_each_get_their_own_code(store: Store) -> None:
    async with store.transaction() as tx:
        admin_id = (await make_admin(tx, "管理员", "console:管理员", NOW)).id
    start = asyncio.Event()

    async def create(i: int) -> str:
        async with store.transaction() as tx:
            admin = await tx.people.get(admin_id)
            await start.wait()   # every transaction open before any picks a code
            return (await create_project(tx, admin, NewProject(f"滨江花园{i}号楼"), NOW)).code

    tasks = [asyncio.create_task(create(i)) for i in range(AT_ONCE)]
    await asyncio.sleep(0.2)
    start.set()
    codes = await asyncio.gather(*tasks)
    assert sorted(codes) == [f"P-{n:03d}" for n in range(1, AT_ONCE + 1)]


@pytest.mark.skipif(not PG_URL, reason="PostgreSQL's lock; SQLite has one writer and no such wait")
async def test_choosing_a_code_never_deadlocks_with_a_transaction_that_waits_on_this_one(store: Store) -> None:
    """Replicas handling the same events: one transaction holds the code choice and waits for
    an event's row that a second has written; the second then wants the code choice. Before,
    PostgreSQL broke the deadlock and the event answered "internal error"; now the second gives
    up as busy (its events are handled again later) and the first goes on."""
    from domain.errors import StoreBusy
    from domain.store.repos.setup import setup_repo

    first_chose, second_wrote = asyncio.Event(), asyncio.Event()

    async def first() -> int | None:
        async with store.transaction() as tx:
            await setup_repo(tx).project_codes()
            first_chose.set()
            await second_wrote.wait()
            return await tx.inbound.claim("feishu", "om_both", "message", NOW, "done", {"toast": None})

    async def second() -> None:
        async with store.transaction() as tx:
            await tx.inbound.claim("feishu", "om_both", "message", NOW, "done", {"toast": None})
            second_wrote.set()
            await first_chose.wait()
            await setup_repo(tx).project_codes()

    claimed, gave_up = await asyncio.gather(first(), second(), return_exceptions=True)
    assert isinstance(gave_up, StoreBusy) and isinstance(claimed, int)
