"""SQLite statements run on the event loop's thread (domain/store/sqlite_inline.py): a
connection that finds the database locked by another one waits without stopping the loop, and
goes on once the lock is free; a COMMIT that writes the WAL still lands. Two engines on the
same file, as the web process and the worker are."""
from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text

from domain.store.engine import make_engine
from tests.conftest import backend_name

pytestmark = pytest.mark.skipif(backend_name() != "sqlite", reason="SQLite's write lock")


async def test_a_writer_waiting_for_the_lock_lets_the_loop_run_and_then_writes(tmp_path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'locks.db'}"
    holder, waiter = make_engine(url), make_engine(url)
    try:
        async with holder.begin() as conn:
            await conn.execute(text("CREATE TABLE notes (id INTEGER PRIMARY KEY, who TEXT)"))
            # SQLite's own busy handler sleeps inside the call, i.e. on the loop's thread: off.
            assert (await conn.execute(text("PRAGMA busy_timeout"))).scalar() == 0
        held = await holder.connect()
        await held.begin()                  # BEGIN IMMEDIATE: the write lock is ours
        await held.execute(text("INSERT INTO notes (who) VALUES ('holder')"))

        async def write_too() -> None:
            async with waiter.begin() as conn:  # waits for the lock
                await conn.execute(text("INSERT INTO notes (who) VALUES ('waiter')"))

        waiting = asyncio.create_task(write_too())
        # A waiter that blocked the loop (SQLite's own busy handler) would never let this line
        # run before its 30 s were up; the holder could not commit, and the waiter would fail.
        for _ in range(20):
            await asyncio.sleep(0.01)
        assert not waiting.done()
        await held.commit()
        await held.close()
        await asyncio.wait_for(waiting, 10)
        async with waiter.connect() as conn:
            rows = (await conn.execute(text("SELECT who FROM notes ORDER BY id"))).scalars().all()
        assert rows == ["holder", "waiter"]
    finally:
        await holder.dispose()
        await waiter.dispose()


async def test_a_failed_statement_rolls_back_and_the_connection_goes_on(tmp_path) -> None:
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'errors.db'}")
    try:
        async with engine.begin() as conn:
            await conn.execute(text("CREATE TABLE once (k TEXT PRIMARY KEY)"))
            await conn.execute(text("INSERT INTO once VALUES ('a')"))
        with pytest.raises(Exception, match="UNIQUE"):
            async with engine.begin() as conn:
                await conn.execute(text("INSERT INTO once VALUES ('b')"))
                await conn.execute(text("INSERT INTO once VALUES ('a')"))
        async with engine.begin() as conn:
            await conn.execute(text("INSERT INTO once VALUES ('c')"))
            rows = (await conn.execute(text("SELECT k FROM once ORDER BY k"))).scalars().all()
        assert rows == ["a", "c"]
    finally:
        await engine.dispose()


async def test_a_transaction_waiting_for_the_lock_goes_before_one_that_began_after_it(tmp_path) -> None:
    """domain/store/write_turns.py: the inbox consumer ending a transaction and beginning the
    next at once must not take the lock again ahead of the delivery worker waiting for it."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'turns.db'}"
    busy, patient = make_engine(url), make_engine(url)
    try:
        async with busy.begin() as conn:
            await conn.execute(text("CREATE TABLE notes (id INTEGER PRIMARY KEY, who TEXT)"))
        held = await busy.connect()
        await held.begin()
        await held.execute(text("INSERT INTO notes (who) VALUES ('first')"))

        async def wait_and_write() -> None:
            async with patient.begin() as conn:
                await conn.execute(text("INSERT INTO notes (who) VALUES ('waited')"))

        waiting = asyncio.create_task(wait_and_write())
        for _ in range(5):
            await asyncio.sleep(0.01)
        assert not waiting.done()
        await held.commit()
        await held.begin()               # at once, as a backlog's next transaction would
        await held.execute(text("INSERT INTO notes (who) VALUES ('next')"))
        await held.commit()
        await held.close()
        await asyncio.wait_for(waiting, 10)
        async with patient.connect() as conn:
            rows = (await conn.execute(text("SELECT who FROM notes ORDER BY id"))).scalars().all()
        assert rows == ["first", "waited", "next"]
    finally:
        await busy.dispose()
        await patient.dispose()
