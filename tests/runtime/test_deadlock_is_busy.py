"""A PostgreSQL deadlock is "try again", not a bug: the transaction PostgreSQL chose to end
raises StoreBusy (the inbox postpones its events and handles them again), never the raw
DBAPIError that reached people as "处理时出错了". Seen between replicas' inbox consumers."""
from __future__ import annotations

import asyncio
from datetime import datetime, timezone

import pytest

from domain.errors import StoreBusy
from domain.people import make_admin
from domain.projects.service import NewProject, create_project
from domain.store.uow import Store
from tests.conftest import PG_URL

pytestmark = pytest.mark.skipif(not PG_URL, reason="SQLite has one writer: it cannot deadlock")
NOW = datetime(2026, 11, 28, 8, 0, tzinfo=timezone.utc)


async def test_the_deadlock_victim_raises_store_busy_and_the_other_commits(store: Store) -> None:
    async with store.transaction() as tx:
        admin = await make_admin(tx, "管理员", "console:管理员", NOW)
        codes = [(await create_project(tx, admin, NewProject(f"滨江花园{i}号楼"), NOW)).code for i in (1, 2)]
    both_locked_one = asyncio.Barrier(2)

    async def rename(first: str, second: str) -> str:
        async with store.transaction() as tx:
            one = await tx.projects.by_code(first)
            one.name += "·改"
            await tx.flush()                     # holds `first`'s row lock
            await both_locked_one.wait()
            other = await tx.projects.by_code(second)
            other.name += "·改"
            await tx.flush()                     # waits for the other transaction's row: a cycle
        return "committed"

    results = await asyncio.gather(rename(*codes), rename(*reversed(codes)), return_exceptions=True)
    assert sorted(type(r).__name__ for r in results) == ["StoreBusy", "str"], results
    assert any(isinstance(r, StoreBusy) and "deadlock" in str(r) for r in results)
