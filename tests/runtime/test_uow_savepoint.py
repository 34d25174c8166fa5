"""A savepoint's work done, the event loop runs what is ready before the next (domain/store/uow.py):
on SQLite statements never yield, so without it a group of inbox events in one transaction held
the loop — and the delivery worker's answers and sends in the same process — for the whole group.
Real database (on PostgreSQL the statements themselves yield)."""
from __future__ import annotations

import asyncio

from sqlalchemy import select

from domain.store.models import OutboxMessage


async def test_other_tasks_run_between_one_savepoint_and_the_next(store) -> None:  # noqa: ANN001
    ran: list[str] = []

    async def meanwhile() -> None:
        ran.append("delivery")

    async with store.transaction() as tx:
        task = asyncio.create_task(meanwhile())
        async with tx.savepoint():
            await tx.session.scalar(select(OutboxMessage.id).limit(1))   # one event's work
        ran.append("after the first savepoint")
        async with tx.savepoint():
            await tx.session.scalar(select(OutboxMessage.id).limit(1))
    await task
    assert ran == ["delivery", "after the first savepoint"]
