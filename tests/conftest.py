"""Shared fixtures: a real database (SQLite file, or PostgreSQL when SITEBOT_TEST_DATABASE_URL
is set), migrated once per run and emptied before each test; a fixed clock; the real app."""
from __future__ import annotations

import asyncio
import os
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.app import create_app
from bot.settings import Settings, load_settings
from domain.store.base import Base
from domain.store.engine import make_engine
from domain.store.inbox import Inbox
from domain.store.migrate import upgrade
from domain.store.uow import Store
from tests.console_driver import ConsoleDriver

import domain.store.models  # noqa: F401 - the tables to empty

PG_URL = os.environ.get("SITEBOT_TEST_DATABASE_URL", "")


class FixedClock:
    """Time stands still unless a test moves it."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


def backend_name() -> str:
    return "postgresql" if PG_URL else "sqlite"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = PG_URL or f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('db') / 'sitebot.db'}"

    async def prepare() -> None:
        engine = make_engine(url)
        if engine.dialect.name == "postgresql":
            async with engine.begin() as conn:
                await conn.execute(text("DROP SCHEMA public CASCADE"))
                await conn.execute(text("CREATE SCHEMA public"))
        await upgrade(engine)
        await engine.dispose()

    asyncio.run(prepare())
    return url


async def empty_database(url: str) -> None:
    engine = make_engine(url)
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    async with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            await conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for name in tables:
                await conn.execute(text(f"DELETE FROM {name}"))
    inbox = await Inbox.open(engine, url)   # SQLite keeps the inbox in a file of its own
    await inbox.empty()
    await inbox.close()
    await engine.dispose()


@pytest.fixture
async def db_url(database_url: str) -> str:
    await empty_database(database_url)
    return database_url


@pytest.fixture
async def store(db_url: str):
    store = Store(make_engine(db_url))
    yield store
    await store.close()


@pytest.fixture
def clock() -> FixedClock:
    # A Monday, 14:00 in Shanghai.
    return FixedClock(datetime(2026, 11, 23, 6, 0, tzinfo=timezone.utc))


def make_settings(db_url: str, **overrides) -> Settings:
    base = {"server": {"console": True}, "database": {"url": db_url},
            "media": {"dir": os.path.join(tempfile.gettempdir(), "sitebot-test-media")}}
    for section, values in overrides.items():
        base.setdefault(section, {}).update(values)
    return load_settings(env={}, overrides=base)


@pytest.fixture
def settings(db_url: str) -> Settings:
    return make_settings(db_url)


@pytest.fixture
async def app(settings: Settings, clock: FixedClock):
    """The real app with demo data; the delivery worker is driven by the test (drain)."""
    return create_app(settings, clock=clock, demo=True, run_worker=False)


@pytest.fixture
async def console(app, aiohttp_client) -> ConsoleDriver:
    client = await aiohttp_client(app)
    return ConsoleDriver(client)


def data_file(name: str) -> Path:
    return Path(__file__).parent / "data" / name
