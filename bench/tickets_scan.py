"""The SLA scan on a big ticket table: its cost follows the number of due tickets, not the total.

Fills a scratch database with N tickets in a few bulk INSERT … SELECT statements (most of them
closed, some open with their next step in the future, a few hundred due now), then prints:
the scan query's time (the range scan of ix_tickets_next_due that `tickets.sla` runs every
minute), the query plan, and the time of one full pass that performs the due steps (a 75 %
warning each, with its outbox rows) — after which the next scan finds nothing.

Usage:
  python bench/tickets_scan.py --db sqlite [--tickets 100000] [--due 300]
  python bench/tickets_scan.py --db postgresql --url postgresql+asyncpg://…/sitebot_bench …
The PostgreSQL database is emptied first, so its name must contain "bench" or "test"
(`scripts/pg-test-server sitebot_bench` makes one).
"""
from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from bot.paths import TEMPLATES_DIR  # noqa: E402
from bot.settings import load_settings  # noqa: E402
from domain.demo import seed_demo  # noqa: E402
from domain.store.engine import make_engine  # noqa: E402
from domain.store.migrate import upgrade  # noqa: E402
from domain.store.uow import Store  # noqa: E402
from handlers.chat.context import Deps  # noqa: E402
from handlers.chat.i18n import Catalog  # noqa: E402
from handlers.chat.jobs import JobRunner  # noqa: E402
from handlers.registry import build_card_views  # noqa: E402
from handlers.tickets.jobs import scan  # noqa: E402

COLUMNS = ("project_id, title, description, category, severity, status, reporter_id, assignee_id, "
           "created_at, updated_at, version, closed_at, next_due_at, sla_since, sla_banked_seconds, "
           "accept_from_seconds, escalation_level, escalation_repeats, warned_accept, warned_resolve, "
           "reopen_count")


def sql_time(dialect: str, base: str, minutes: str) -> str:
    """`base` + `minutes` (SQL expressions) as the column type stores it."""
    if dialect == "postgresql":
        return f"(CAST({base} AS timestamptz) + ({minutes}) * interval '1 minute')"
    # SQLAlchemy keeps SQLite datetimes as 'YYYY-MM-DD HH:MM:SS.ffffff' text (UTC).
    return f"(strftime('%Y-%m-%d %H:%M:%S', {base}, ({minutes}) || ' minutes') || '.000000')"


def series(dialect: str, count: int) -> str:
    if dialect == "postgresql":
        return f"generate_series(1, {count}) AS s(i)"
    return (f"(WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < {count}) "
            "SELECT i FROM s) AS s")


async def fill(store: Store, total: int, due: int, open_share: float, now: datetime,
               people: tuple[int, int, int]) -> None:
    dialect = store.dialect
    project, reporter, assignee = people
    base = ":base"
    false = "false" if dialect == "postgresql" else "0"
    opened = max(int(total * open_share) - due, 0)
    closed = total - opened - due
    t = lambda minutes: sql_time(dialect, base, minutes)  # noqa: E731
    groups = [
        # closed: nothing to come, so not in the partial index at all
        (closed, f"'closed', {t('-(i % 525600) - 4320')}, {t('-(i % 525600) - 4320')}, 1, "
                 f"{t('-(i % 525600)')}, NULL, NULL"),
        # open and running, next step later (up to three days ahead)
        (opened, f"'in_progress', {t('-60')}, {t('-60')}, 2, NULL, {t('1 + i % 4320')}, {t('-60')}"),
        # due now: reported 25 minutes ago, the 75 % accept warning fell due at 22.5 minutes
        (due, f"'open', {t('-25')}, {t('-25')}, 1, NULL, {t('-2.5')}, {t('-25')}"),
    ]
    async with store.engine.begin() as conn:
        for count, values in groups:
            if count <= 0:
                continue
            status, created, updated, version, closed_at, next_due, since = _split(values)
            await conn.execute(text(
                f"INSERT INTO tickets ({COLUMNS}) SELECT {project}, 'bench ' || i, 'bench ticket', "
                f"'quality', 'high', {status}, {reporter}, {assignee}, {created}, {updated}, "
                f"{version}, {closed_at}, {next_due}, {since}, 0, 0, 1, 0, {false}, {false}, 0 "
                f"FROM {series(dialect, count)}"), {"base": _base(dialect, now)})
        await conn.execute(text("ANALYZE"))


def _split(values: str) -> list[str]:
    """The seven SQL expressions of a group, split on top-level commas."""
    out, depth, current = [], 0, ""
    for char in values:
        if char == "," and depth == 0:
            out.append(current.strip())
            current = ""
            continue
        depth += char == "("
        depth -= char == ")"
        current += char
    return [*out, current.strip()]


def _base(dialect: str, now: datetime) -> object:
    utc = now.astimezone(timezone.utc)
    return utc if dialect == "postgresql" else utc.strftime("%Y-%m-%d %H:%M:%S")


async def main(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = args.url or f"sqlite+aiosqlite:///{tmp}/bench.db"
        store = Store(make_engine(url))
        if store.dialect == "postgresql":
            name = make_url(url).database or ""
            if "bench" not in name and "test" not in name:
                raise SystemExit(f"refusing to empty database {name!r}: use a scratch database "
                                 "whose name contains 'bench' or 'test'")
            async with store.engine.begin() as conn:
                await conn.execute(text("DROP SCHEMA public CASCADE"))
                await conn.execute(text("CREATE SCHEMA public"))
        await upgrade(store.engine)
        settings = load_settings(env={})
        now = datetime.now(timezone.utc).replace(microsecond=0)
        async with store.transaction() as tx:
            await seed_demo(tx, now - timedelta(days=1), settings.timezone)
            project = await tx.projects.by_code("P-001")
            reporter = await tx.people.by_identity("console", "u-li")
            assignee = await tx.people.by_identity("console", "u-zhao")
        started = time.perf_counter()
        await fill(store, args.tickets, args.due, args.open_share, now,
                   (project.id, reporter.id, assignee.id))
        filled = time.perf_counter() - started
        print(f"{store.dialect}: {args.tickets:,} tickets ({args.due} due) inserted in {filled:.1f} s")
        times, found = [], 0
        for _ in range(args.repeat):
            started = time.perf_counter()
            async with store.transaction() as tx:
                found = len(await tx.tickets.due(now, limit=args.due + 1000))
            times.append(time.perf_counter() - started)
        print(f"scan query: {found} due found; median {statistics.median(times) * 1000:.2f} ms, "
              f"best {min(times) * 1000:.2f} ms over {args.repeat} runs")
        print("plan: " + " | ".join(await explain(store, now)))
        deps = Deps(catalog=Catalog(TEMPLATES_DIR / "i18n"), rules=settings.tickets,
                    timezone=settings.timezone, card_views=build_card_views())
        runner = JobRunner(store, deps, lambda: now, name="bench")
        started = time.perf_counter()
        performed = await scan(runner)
        acted = time.perf_counter() - started
        print(f"full pass: {performed} steps performed in {acted:.2f} s "
              f"({acted / max(performed, 1) * 1000:.1f} ms each)")
        started = time.perf_counter()
        again = await scan(runner)
        print(f"next pass: {again} steps, {(time.perf_counter() - started) * 1000:.2f} ms")
        await store.close()


async def explain(store: Store, now: datetime) -> list[str]:
    prefix = "EXPLAIN" if store.dialect == "postgresql" else "EXPLAIN QUERY PLAN"
    async with store.engine.connect() as conn:
        rows = await conn.execute(text(
            f"{prefix} SELECT id FROM tickets WHERE next_due_at IS NOT NULL AND next_due_at <= :now "
            "ORDER BY next_due_at LIMIT 500"), {"now": _base(store.dialect, now)})
        return [str(row[-1]).strip() for row in rows]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--url", default=None, help="database URL (required for postgresql; "
                        "default SITEBOT_BENCH_DATABASE_URL)")
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--due", type=int, default=300)
    parser.add_argument("--open-share", type=float, default=0.05, help="share of tickets still open")
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    if args.db == "postgresql":
        args.url = args.url or os.environ.get("SITEBOT_BENCH_DATABASE_URL")
        if not args.url:
            parser.error("--db postgresql needs --url or SITEBOT_BENCH_DATABASE_URL")
    else:
        args.url = None if args.url is None else args.url
    return args


if __name__ == "__main__":
    asyncio.run(main(parse_args()))
