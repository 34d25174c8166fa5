"""SQLite's write turns (domain/store/write_turns.py): the delivery worker's writes (its claim and
outcomes, which a reply waits for) go ahead of the process's other transactions waiting for the
lock, e.g. the inbox consumer's next group of events. Real SQLite file, real engines."""
from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text

from domain.store.engine import make_engine
from domain.store.write_turns import LOCK_WAITS, WRITER
from tests.conftest import backend_name

pytestmark = pytest.mark.skipif(backend_name() != "sqlite", reason="SQLite's write lock")


async def test_the_delivery_workers_write_goes_ahead_of_one_that_waited_longer(tmp_path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'turns.db'}"
    holder, handling, delivery = make_engine(url), make_engine(url), make_engine(url)
    try:
        async with holder.begin() as conn:
            await conn.execute(text("CREATE TABLE notes (id INTEGER PRIMARY KEY, who TEXT)"))
        held = await holder.connect()
        await held.begin()                                # a group of events being handled
        await held.execute(text("INSERT INTO notes (who) VALUES ('group')"))

        async def write(engine, who: str, writer: str = "") -> None:  # noqa: ANN001
            WRITER.set(writer)                            # this task's own context
            async with engine.begin() as conn:
                await conn.execute(text("INSERT INTO notes (who) VALUES (:who)"), {"who": who})

        next_group = asyncio.create_task(write(handling, "next group"))
        for _ in range(5):
            await asyncio.sleep(0.01)
        assert not next_group.done()                      # queued for the lock
        LOCK_WAITS.take("delivery")
        claim = asyncio.create_task(write(delivery, "delivery", "delivery"))
        for _ in range(5):
            await asyncio.sleep(0.01)
        assert not claim.done()
        await held.commit()
        await held.close()
        await asyncio.wait_for(asyncio.gather(next_group, claim), 10)
        async with holder.connect() as conn:
            rows = (await conn.execute(text("SELECT who FROM notes ORDER BY id"))).scalars().all()
        assert rows == ["group", "delivery", "next group"]
        assert len(LOCK_WAITS.take("delivery")) == 1      # its wait was counted, apart
    finally:
        for engine in (holder, handling, delivery):
            await engine.dispose()
