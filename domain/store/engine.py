"""Async engine for SQLite (SQLAlchemy's aiosqlite dialect over domain/store/sqlite_inline.py)
or PostgreSQL (asyncpg)."""
from __future__ import annotations

from functools import partial
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from domain.store import sqlite_inline

BUSY_SECONDS = 30.0   # how long a SQLite statement waits for another connection's write lock


def make_engine(url: str | URL, *, begin: str = "BEGIN IMMEDIATE") -> AsyncEngine:
    """`begin`: how a SQLite transaction starts. IMMEDIATE for the main database, whose
    transactions read and then write; a plain BEGIN where every transaction either only reads
    or starts by writing (the inbox), so a reader never holds the write lock."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_async_engine(url, pool_size=10, max_overflow=10, pool_pre_ping=True)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    # Statements run on the loop's thread, COMMIT on a worker thread (see sqlite_inline).
    engine = create_async_engine(url, async_creator=partial(
        sqlite_inline.connect, parsed.database or ":memory:", BUSY_SECONDS))
    _sqlite_real_transactions(engine, begin)
    return engine


def make_read_engine(url: str | URL) -> AsyncEngine:
    """SQLite: an engine of its own for transactions that only read (Store.reading). They
    begin with a plain BEGIN, so in WAL mode they read the last committed snapshot while
    another connection holds the write lock, instead of queueing behind it for BEGIN
    IMMEDIATE (a health probe waited up to 5.7 s behind the worker's handling groups). Its
    own pool, so they never wait for a connection the writers hold either. query_only: a
    write slipped into a read fails loudly instead of taking the lock after all."""
    engine = make_engine(url, begin="BEGIN")

    @event.listens_for(engine.sync_engine, "connect")
    def _read_only(dbapi_connection, _record) -> None:  # noqa: ANN001 - DB-API objects
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA query_only=ON")
        cursor.close()

    return engine


def _sqlite_real_transactions(engine: AsyncEngine, begin: str) -> None:
    """pysqlite's own BEGIN handling breaks SAVEPOINT and defers locks; take it over, as the
    SQLAlchemy docs advise. BEGIN IMMEDIATE takes the write lock up front, so two writers
    queue (sqlite_inline waits for the lock) instead of failing halfway with "database is
    locked"."""

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:  # noqa: ANN001 - DB-API objects
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")   # (busy waits: sqlite_inline, not blocking)
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn) -> None:  # noqa: ANN001
        conn.exec_driver_sql(begin)
