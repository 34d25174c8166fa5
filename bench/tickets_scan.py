"""The SLA scan on a big ticket table: its cost follows the number of due tickets, not the total,
and a pass performs 1,000 due steps in well under 2 s.

Fills a scratch database with N tickets in a few bulk INSERT … SELECT statements (most of them
closed, some open with their next step in the future), then prints:
- the scan query's time (the range scan of ix_tickets_next_due that `tickets.sla` runs every
  minute) and its plan;
- full passes (`handlers.tickets.jobs.scan`) over `--due` tickets due now, each pass on a fresh
  group of them: `--kind warn`, a 75 % warning each (one message to the assignee), or
  `--kind escalate`, level 2 (项目部) each (the live ticket card and a text to the project
  manager and the department head, a note in the project's internal group); median, best and
  worst of `--passes` passes — after which the next scan finds nothing;
- the reference, measured in the same run: the same steps performed one transaction per step,
  as the pass did before it batched them (`--reference` tickets).

Usage:
  python bench/tickets_scan.py --db sqlite [--tickets 100000] [--due 1000] [--kind warn]
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
from domain.tickets import escalation  # noqa: E402
from domain.tickets.records import Policy  # noqa: E402
from handlers.tickets.jobs import MAX_STEPS_PER_TICKET, _performer, scan  # noqa: E402

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


async def fill(store: Store, total: int, open_share: float, now: datetime,
               people: tuple[int, int, int]) -> None:
    """The background: closed tickets, and open ones whose next step is later."""
    t = lambda minutes: sql_time(store.dialect, ":base", minutes)  # noqa: E731
    opened = int(total * open_share)
    await _insert(store, now, people, [
        # closed: nothing to come, so not in the partial index at all
        (total - opened, f"'closed', {t('-(i % 525600) - 4320')}, {t('-(i % 525600) - 4320')}, 1, "
                         f"{t('-(i % 525600)')}, NULL, NULL, 0"),
        # open and running, next step later (up to three days ahead)
        (opened, f"'in_progress', {t('-60')}, {t('-60')}, 2, NULL, {t('1 + i % 4320')}, {t('-60')}, 0"),
    ])


async def add_due(store: Store, count: int, kind: str, now: datetime, people: tuple[int, int, int]) -> None:
    """`count` tickets with one step due now: reported 25 minutes ago, the 75 % accept warning
    fell due at 22.5 minutes (warn); or reported 35 minutes ago and warned, not accepted at
    30 minutes, so level 2 is due (escalate)."""
    t = lambda minutes: sql_time(store.dialect, ":base", minutes)  # noqa: E731
    true = "true" if store.dialect == "postgresql" else "1"
    group = (f"'open', {t('-25')}, {t('-25')}, 1, NULL, {t('-2.5')}, {t('-25')}, 0" if kind == "warn" else
             f"'open', {t('-35')}, {t('-35')}, 1, NULL, {t('-5')}, {t('-35')}, {true}")
    await _insert(store, now, people, [(count, group)])


async def _insert(store: Store, now: datetime, people: tuple[int, int, int],
                  groups: list[tuple[int, str]]) -> None:
    dialect = store.dialect
    project, reporter, assignee = people
    false = "false" if dialect == "postgresql" else "0"
    async with store.engine.begin() as conn:
        for count, values in groups:
            if count <= 0:
                continue
            status, created, updated, version, closed_at, next_due, since, warned = _split(values)
            warned = false if warned == "0" else warned
            await conn.execute(text(
                f"INSERT INTO tickets ({COLUMNS}) SELECT {project}, 'bench ' || i, 'bench ticket', "
                f"'quality', 'high', {status}, {reporter}, {assignee}, {created}, {updated}, "
                f"{version}, {closed_at}, {next_due}, {since}, 0, 0, 1, 0, {warned}, {false}, 0 "
                f"FROM {series(dialect, count)}"), {"base": _base(dialect, now)})
        await conn.execute(text("ANALYZE"))


def _split(values: str) -> list[str]:
    """The SQL expressions of a group, split on top-level commas."""
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
        people = (project.id, reporter.id, assignee.id)
        await fill(store, args.tickets, args.open_share, now, people)
        await add_due(store, args.due, args.kind, now, people)
        filled = time.perf_counter() - started
        print(f"{store.dialect}: {args.tickets:,} tickets (+{args.due} due) inserted in {filled:.1f} s")
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
        passes, steps, cpus = [], [], []
        for number in range(args.passes):
            if number:
                await add_due(store, args.due, args.kind, now, people)
            started, cpu = time.perf_counter(), time.process_time()
            steps.append(await scan(runner))
            passes.append(time.perf_counter() - started)
            cpus.append(time.process_time() - cpu)
        started = time.perf_counter()
        again = await scan(runner)
        left = (time.perf_counter() - started) * 1000
        print(f"full pass ({args.kind}): {steps[-1]} steps in median {statistics.median(passes):.2f} s "
              f"(best {min(passes):.2f}, worst {max(passes):.2f} s over {args.passes} passes of "
              f"{args.due} due tickets; steps per pass {min(steps)}–{max(steps)}); "
              f"{statistics.median(passes) / max(steps[-1], 1) * 1000:.2f} ms a step; CPU (this "
              f"process, the database's own threads included) median {statistics.median(cpus):.2f} s "
              f"a pass (best {min(cpus):.2f}, worst {max(cpus):.2f}): on a busy machine the wall time "
              f"also counts the waits for a CPU")
        print(f"next pass: {again} steps, {left:.2f} ms")
        if args.reference:
            await add_due(store, args.reference, args.kind, now, people)
            async with store.transaction() as tx:
                due = await tx.tickets.due(now, limit=args.reference)
            started = time.perf_counter()
            done = await one_by_one(runner, due)
            took = time.perf_counter() - started
            print(f"reference, one transaction per step (the pass before batching): {done} steps in "
                  f"{took:.2f} s, {took / max(done, 1) * 1000:.1f} ms a step "
                  f"(1,000 steps ≈ {took / max(done, 1) * 1000:.1f} s)")
        await store.close()


async def one_by_one(runner: JobRunner, due: list[int]) -> int:
    """The SLA pass as it was: each ticket read in its own transaction, each step performed in
    its own (`JobRunner.once`), a ticket with nothing due refreshed in a third."""
    policy = Policy(runner.deps.rules, runner.deps.timezone)
    now, performed = runner.clock(), 0
    for ticket_id in due:
        for _ in range(MAX_STEPS_PER_TICKET):
            async with runner.reading() as tx:
                ticket = await tx.tickets.get(ticket_id)
                step = await escalation.first_due(tx, policy, ticket, now) if ticket else None
            if step is None:
                async with runner.store.transaction() as tx:
                    await escalation.refresh_stale(tx, policy, ticket_id)
                break
            key = step.key(ticket_id)
            if not await runner.once(key, _performer(policy, ticket_id, key)):
                break
            performed += 1
    return performed


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
    parser.add_argument("--due", type=int, default=1000, help="tickets due in each pass")
    parser.add_argument("--kind", choices=("warn", "escalate"), default="warn", help="the step due")
    parser.add_argument("--passes", type=int, default=5, help="full passes, each on fresh due tickets")
    parser.add_argument("--reference", type=int, default=200,
                        help="tickets for the one-transaction-per-step reference (0: none)")
    parser.add_argument("--open-share", type=float, default=0.05, help="share of tickets still open")
    parser.add_argument("--repeat", type=int, default=20, help="runs of the scan query")
    args = parser.parse_args()
    if args.db == "postgresql":
        args.url = args.url or os.environ.get("SITEBOT_BENCH_DATABASE_URL")
        if not args.url:
            parser.error("--db postgresql needs --url or SITEBOT_BENCH_DATABASE_URL")
    else:
        args.url = None   # a scratch file
    return args


if __name__ == "__main__":
    asyncio.run(main(parse_args()))
