"""Store (one per process) and Tx, the unit of work a command runs in: one transaction,
repositories bound to it, savepoints for "try this, undo only this"."""
from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager
from typing import AsyncIterator

from sqlalchemy import Table, insert, inspect, text
from sqlalchemy.exc import DBAPIError, IntegrityError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session, make_transient_to_detached
from sqlalchemy.orm.exc import StaleDataError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from domain.errors import Conflict, StoreBusy
from domain.store.engine import make_read_engine
from domain.store.memo import Memo
from domain.store.repos.audit import AuditRepo
from domain.store.repos.changes import ChangesRepo
from domain.store.repos.customers import CustomersRepo
from domain.store.repos.finance import FinanceRepo
from domain.store.repos.inbound import InboundRepo
from domain.store.repos.outbox import OutboxRepo
from domain.store.repos.people import PeopleRepo
from domain.store.repos.progress import ProgressRepo
from domain.store.repos.projects import ProjectsRepo
from domain.store.repos.reports import ReportsRepo
from domain.store.repos.runs import RunsRepo
from domain.store.repos.site import SiteRepo
from domain.store.repos.tickets import TicketsRepo
from domain.store.repos import webhook_hook


# A database that did not answer in time (pool time-out, locked, connection lost).
_BUSY = (PoolTimeout, OperationalError, InterfaceError)
# PostgreSQL's "try again" answers (asyncpg's come through as a plain DBAPIError): a deadlock
# it broke by ending this transaction, a serialization failure, a lock it would not wait for.
_RETRY_STATES = frozenset({"40P01", "40001", "55P03"})


def _busy(error: BaseException) -> bool:
    """Whether `error` means the database could not take the work now, not that it is wrong:
    the same work tried again later can succeed (the inbox postpones it; nobody is told
    "internal error")."""
    if isinstance(error, _BUSY):
        return True
    return (isinstance(error, DBAPIError)
            and getattr(error.orig, "sqlstate", None) in _RETRY_STATES)


# Built once per table (building and keying a statement costs about as much as running it).
_INSERTS: dict[Table, object] = {}


def _default(column: object) -> object:
    default = column.default
    if default is None:
        if column.server_default is not None:
            raise ValueError(f"Tx.insert: {column} has a server default only")
        return None
    if default.is_scalar:
        return default.arg
    if default.is_callable:
        return default.arg(None)   # SQLAlchemy wraps a no-argument callable to take a context
    raise ValueError(f"Tx.insert: {column}'s default is not a value or a callable")


class Tx:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        # Lookups every event repeats (who, which chat's project, roles), once per transaction.
        self.memo = Memo()
        self.people = PeopleRepo(session, self.memo)
        self.projects = ProjectsRepo(session, self.memo)
        self.tickets = TicketsRepo(session)
        self.outbox = OutboxRepo(session)
        self.inbound = InboundRepo(session)
        self.audit = AuditRepo(session)
        self.runs = RunsRepo(session)
        self.changes = ChangesRepo(session)
        self.customers = CustomersRepo(session)
        self.finance = FinanceRepo(session)
        self.progress = ProgressRepo(session)
        self.reports = ReportsRepo(session)
        self.site = SiteRepo(session)   # site capture (issue 17)

    def add(self, entity: object) -> None:
        self.memo.forget_for(entity)
        self.session.add(entity)

    async def delete(self, entity: object) -> None:
        self.memo.forget_for(entity)
        await self.session.delete(entity)

    async def refresh(self, entity: object) -> None:
        """Read the row again (after an UPDATE statement changed it behind the ORM's back)."""
        await self.session.refresh(entity)

    async def get(self, model: type, ident: object) -> object | None:
        return await self.session.get(model, ident)

    async def insert(self, entity: object) -> None:
        """Write a new entity now, with one INSERT … RETURNING its id, and keep it in the
        session as if it had been loaded: what `add` then `flush` do, without the unit of
        work's bookkeeping (most of what a flush of one row costs: a report writes its ticket
        this way). For a table with an integer `id`, no relationships and no server-only
        defaults; the columns' Python defaults are applied here."""
        mapper = inspect(type(entity))
        values = {}
        for attribute in mapper.column_attrs:
            key, column = attribute.key, attribute.columns[0]
            if column.primary_key:
                continue
            if key not in entity.__dict__:
                setattr(entity, key, _default(column))
            values[key] = getattr(entity, key)
        statement = _INSERTS.get(mapper.local_table)
        if statement is None:
            table = mapper.local_table
            statement = _INSERTS[table] = insert(table).returning(table.c.id)
        try:
            entity.id = (await self.session.execute(statement, values)).scalar_one()
        except StaleDataError:
            raise Conflict() from None
        make_transient_to_detached(entity)
        self.add(entity)

    async def flush(self) -> None:
        """Write pending changes now; a lost optimistic-lock race becomes `Conflict`."""
        try:
            await self.session.flush()
        except StaleDataError:
            raise Conflict() from None

    @asynccontextmanager
    async def savepoint(self) -> AsyncIterator[None]:
        """Everything inside is undone if the block raises; the outer transaction lives on.
        Raises Conflict and StoreBusy as `Store.transaction` does (so the caller can tell a
        lost race or a database that stopped answering from a bug, savepoint by savepoint)."""
        try:
            async with self.session.begin_nested():
                yield
            # Let the event loop run what is ready between one savepoint's work and the next:
            # on SQLite statements run on the loop's own thread without ever yielding, so a
            # group of 20 events handled in one transaction held the loop for 150-300 ms, and
            # the delivery worker in the same process read its sends' answers that late (its
            # rate windows count a send until a period after its answer). ~20 µs each.
            await asyncio.sleep(0)
        except BaseException as error:
            self.memo.clear()   # what was looked up inside may have been undone with it
            if isinstance(error, StaleDataError):
                raise Conflict() from None
            if _busy(error):
                raise StoreBusy(str(error)) from error
            raise


class _Session(Session):
    """The sessions of Store (what webhook_hook listens to)."""


class Store:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._sessions = async_sessionmaker(engine, expire_on_commit=False, autoflush=True,
                                           sync_session_class=_Session)
        webhook_hook.watch(_Session)   # outbound webhooks are written just before each commit
        self._readers: AsyncEngine | None = None   # SQLite's read-only engine, made when first used
        self._readers_of: AsyncEngine | None = None

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @property
    def read_engine(self) -> AsyncEngine:
        """Where transactions that only read run: on a SQLite file, a second engine whose
        transactions begin deferred (engine.make_read_engine); elsewhere `engine` itself
        (PostgreSQL's readers never wait for writers). Follows `engine` if it is replaced."""
        engine = self.engine
        database = engine.url.database
        if engine.dialect.name != "sqlite" or not database or database == ":memory:":
            return engine
        if self._readers_of is not engine:
            self._readers, self._readers_of = make_read_engine(engine.url), engine
        return self._readers

    @asynccontextmanager
    async def reading(self) -> AsyncIterator[Tx]:
        """A transaction that only reads (monitoring: /healthz, /metrics, outbox status). On
        SQLite it does not wait for the write lock the worker's transactions queue for (BEGIN
        IMMEDIATE): it reads the last committed state. Read-only (SQLite query_only,
        PostgreSQL READ ONLY); rolled back at the end, nothing to commit. A database that does
        not answer in time raises StoreBusy, as `transaction` does."""
        engine = self.read_engine
        # Closing the session ends its transaction (rolled back) and detaches what it loaded
        # with its values kept: rows read here stay usable after the block (a rollback of the
        # session would expire them). A plain Session: no webhook hook, nothing is committed.
        async with AsyncSession(engine, expire_on_commit=False, autoflush=False) as session:
            try:
                if engine.dialect.name == "postgresql":
                    await session.execute(text("SET TRANSACTION READ ONLY"))
                yield Tx(session)
            except _BUSY as error:
                raise StoreBusy(str(error)) from error

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Tx]:
        """Commit on success, roll back on any exception. Optimistic-lock losses raise Conflict;
        a database that does not answer in time (pool time-out, locked, connection lost)
        raises StoreBusy: the caller may try the same work again later."""
        async with self._sessions() as session:
            try:
                async with session.begin():
                    yield Tx(session)
            except StaleDataError:
                raise Conflict() from None
            except (DBAPIError, PoolTimeout) as error:
                if _busy(error):
                    raise StoreBusy(str(error)) from error
                raise

    async def ping(self) -> None:
        """The database answers (on the read engine: on SQLite the main engine's connections
        begin with BEGIN IMMEDIATE, so a ping waited for the write lock)."""
        async with self.read_engine.connect() as conn:
            await conn.execute(text("SELECT 1"))

    async def close(self) -> None:
        if self._readers is not None:
            await self._readers.dispose()
        await self.engine.dispose()


__all__ = ["IntegrityError", "Store", "Tx"]
