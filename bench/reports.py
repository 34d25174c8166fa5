"""How long reports take on a year of a 200-project contractor (bench/reports_seed.py: ~50,000
tickets, 10,000 site logs, 2,000 payments, 500 opportunities …), on SQLite or PostgreSQL.

Timed through the real app, in one process, wall time per request (the chat ones from the
console's POST to the card in the chat: inbox, handler, chart, outbox, delivery):

- 报表 (this month, the whole company, as the 部门主管) and 报表 P-001 (one project);
- GET /cockpit/{token} (the whole company, and one project);
- 导出 报表 本月 (the .xlsx and the PDF as two file messages);
- for reference, in the same run: 帮助 (the same path with no database work) and 应收 (an
  existing report-like command);
- then the same again without the indexes of revision 0012 (dropped), to show what they buy;
- and where the time of 报表 goes: the figures (database and Python), the trend, the chart.

The first 报表 of a process imports matplotlib and reads the font list (printed as "cold"); the
rest are warm. Figures are medians of --repeat runs, with the slowest.

导出 报表 本月, CPU ms per export (median of 5; the machine shared by other work, load average
~8 on 2 cores, so the wall times were several seconds and mean little; 2026-11-28):

                          before (254a846)   after     what changed
    SQLite                     1672          804       the PDF: fpdf2 text in a TrueType subset cut
    PostgreSQL                 1765          728       once per process (handlers/documents/pdf_font.py)
                                                       instead of matplotlib's Type 3 glyphs (~1 s),
                                                       its charts drawn as shapes (a PNG page: ~0.25 s);
                                                       the workbook by XlsxWriter (~0.26 -> ~0.15 s);
                                                       the two made at once (wall time only).

Now, of the ~0.75 s: the figures and the trend ~0.3-0.4 s (shared with 报表), the workbook
~0.15 s (2,000 rows of SLA misses), the PDF ~0.08 s, the chat path and the two file messages
the rest. The first export of a process also cuts the font (~0.4 s; again when a file needs
characters the cut has not got).

Wave 4, one font path for both PDFs (the everyday characters' cut made by make, a small cut of
rare ones; found without matplotlib): CPU ms, --small --repeat 3, SQLite, two runs each:

                                              before (efb912a)   after
    导出 报表 本月, the first in the process      1227-1301        953-1028
    导出 报表 本月 (steady)                         148-153        201-212
    导出: the PDF                                     66-76        110-129   the larger font read
    导出: the PDF, 20 characters new each time          473            114   no new cut

Usage: python bench/reports.py [--database-url postgresql+asyncpg://…] [--repeat 5] [--small]
"""
from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any, Awaitable, Callable

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aiohttp.test_utils import TestClient, TestServer  # noqa: E402
from sqlalchemy import func, select, text  # noqa: E402

from load.sitebot import database, workdir  # noqa: E402
from reports_seed import Seeder, bench_now  # noqa: E402

SIZES = {"projects": 200, "tickets": 50_000, "logs": 10_000, "payments": 2_000, "opportunities": 500}
SMALL = {"projects": 20, "tickets": 2_000, "logs": 500, "payments": 200, "opportunities": 50}
HEAD, DM = "周主管", "dm"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default="", help="PostgreSQL server (a scratch database is made)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--small", action="store_true", help="a tenth of the data (a quick check)")
    parser.add_argument("--indexed-only", action="store_true", help="skip the run without 0012's indexes")
    return parser.parse_args()


def indexes() -> list[tuple[str, str, list[str]]]:
    from importlib import util
    path = Path(__file__).resolve().parent.parent / "domain/store/migrations/versions/0012_reports.py"
    spec = util.spec_from_file_location("m0012", path)
    module = util.module_from_spec(spec)
    spec.loader.exec_module(module)   # type: ignore[union-attr]
    return module.INDEXES


async def seed(app: Any, sizes: dict[str, int]) -> float:
    from bot import keys
    started = time.perf_counter()
    engine = app[keys.STORE].engine
    async with engine.begin() as conn:
        await Seeder(conn, bench_now(), sizes).all()
    if engine.dialect.name == "postgresql":
        async with engine.begin() as conn:
            for table in ("persons", "identities", "customers", "projects", "project_members", "milestones",
                          "contracts", "payment_milestones", "payments", "tickets", "ticket_events",
                          "ticket_surveys", "audit_log", "daily_logs", "opportunities", "change_requests",
                          "nps_surveys"):
                await conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                        f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"))
            await conn.execute(text("ANALYZE"))
    else:
        async with engine.begin() as conn:
            await conn.execute(text("ANALYZE"))
    return time.perf_counter() - started


class Bench:
    def __init__(self, client: TestClient, repeat: int) -> None:
        from bot import keys
        self.client, self.app, self.repeat, self.keys = client, client.server.app, repeat, keys
        self.results: list[tuple[str, float, float, float]] = []

    async def say(self, text_: str, user: str = HEAD) -> dict:
        response = await self.client.post("/console/api/messages", json={"user": user, "chat": DM, "text": text_})
        assert response.status == 200, await response.text()
        await self.app[self.keys.INBOX].drain()
        await self.app[self.keys.WORKER].drain()
        return self.app[self.keys.HUB].history(f"dm:{user}")[-1].body

    async def time(self, label: str, work: Callable[[], Awaitable[Any]], repeat: int | None = None) -> Any:
        """Wall time (what the person waits, on this machine as loaded as it is) and CPU time
        of this process (the work itself: the app, the database driver, SQLite, the chart)."""
        times, cpu, last = [], [], None
        for _ in range(repeat or self.repeat):
            started, used = time.perf_counter(), time.process_time()
            last = await work()
            times.append(time.perf_counter() - started)
            cpu.append(time.process_time() - used)
        self.results.append((label, statistics.median(times), max(times), statistics.median(cpu)))
        return last


async def requests(bench: Bench, suffix: str = "") -> None:
    link = next(a["url"] for a in (await bench.say("报表"))["actions"] if a["type"] == "link")
    path = "/cockpit/" + link.split("/cockpit/", 1)[1]

    async def page(query: str = "") -> int:
        response = await bench.client.get(path + query)
        await response.read()
        assert response.status == 200
        return response.status

    card = await bench.time(f"报表 (whole company){suffix}", lambda: bench.say("报表"))
    assert any(b["type"] == "image" for b in card["blocks"]), card
    await bench.time(f"报表 P-001{suffix}", lambda: bench.say("报表 P-001"))
    await bench.time(f"cockpit page (whole company){suffix}", page)
    await bench.time(f"cockpit page (P-001){suffix}", lambda: page("?project=P-001"))
    await bench.time(f"导出 报表 本月{suffix}", lambda: bench.say("导出 报表 本月"))


async def breakdown(bench: Bench) -> None:
    """Where 报表's time goes (whole company, this month)."""
    from domain.reports.periods import Kind, current
    from domain.reports.report import build_report, report_and_trend
    from domain.reports.scope import scope_of
    from handlers.reports import charts
    from handlers.reports.export import notes
    from handlers.reports.pdf import pdf
    from handlers.reports.views import panels
    from handlers.reports.workbook import workbook
    deps, store = bench.app[bench.keys.DISPATCHER].deps, bench.app[bench.keys.STORE]
    period = current(Kind.MONTH, bench_now(), deps.timezone)

    async def figures() -> Any:
        async with store.transaction() as tx:
            person = (await tx.people.by_name(HEAD))[0]
            return await build_report(tx, await scope_of(tx, person), period, deps.reports, bench_now())

    async def both() -> Any:
        async with store.transaction() as tx:
            person = (await tx.people.by_name(HEAD))[0]
            return await report_and_trend(tx, await scope_of(tx, person), period, deps.reports, bench_now())

    await bench.time("  the figures alone (both periods)", figures)
    report, points = await bench.time("  the figures and the 6-month trend (one read)", both)
    chart_panels = panels(deps, "zh-CN", report, points)
    await bench.time("  the chart (PNG)", lambda: asyncio.to_thread(charts.png, chart_panels))
    t = lambda key, **p: deps.t("zh-CN", key, **p)  # noqa: E731
    await bench.time("  导出: the workbook (.xlsx)", lambda: asyncio.to_thread(
        workbook, t, report, notes(deps, "zh-CN", report, bench_now())))
    await bench.time("  导出: the PDF", lambda: asyncio.to_thread(
        pdf, t, report, "经营报表", "全公司", panels(deps, "zh-CN", report, points)))
    # A title of 20 everyday characters not printed before, each time (as a new customer's or
    # project's name brings): a file cut for what each PDF needs has to be cut again.
    from handlers.documents.pdf_common_font import characters
    pool, fresh = sorted(ch for ch in characters() if ord(ch) >= 0x4E00), iter(range(10_000))

    def new_title() -> str:
        k = next(fresh)
        return "".join(pool[(k * 97 + j * 31) % len(pool)] for j in range(20))
    await bench.time("  导出: the PDF, 20 characters new each time", lambda: asyncio.to_thread(
        pdf, t, report, new_title(), "全公司", panels(deps, "zh-CN", report, points)))


async def run(args: argparse.Namespace) -> None:
    from bot import keys
    from bot.app import create_app
    from bot.settings import load_settings
    from domain.store.models import Ticket
    sizes = SMALL if args.small else SIZES
    with workdir(False) as tmp:
        async with database(tmp, args.database_url) as (url, name):
            settings = load_settings(env={}, overrides={"server": {"console": True}, "database": {"url": url},
                                                        "media": {"dir": str(tmp / "media")},
                                                        "links": {"secret": "bench-secret-bench-secret"}})
            app = create_app(settings, clock=bench_now, run_worker=False)
            client = TestClient(TestServer(app))
            await client.start_server()
            try:
                seconds = await seed(app, sizes)
                async with app[keys.STORE].transaction() as tx:
                    count = await tx.session.scalar(select(func.count()).select_from(Ticket))
                print(f"{name}: seeded {count:,} tickets ({', '.join(f'{v:,} {k}' for k, v in sizes.items())}) "
                      f"in {seconds:.1f} s")
                bench = Bench(client, args.repeat)
                # The process's first export: the PDF's font found and loaded (and, before the
                # cut was made by make, cut), before any 报表 has imported matplotlib.
                await bench.time("导出 报表 本月, the first in the process", lambda: bench.say("导出 报表 本月"), 1)
                cold = time.perf_counter()
                await bench.say("报表")
                print(f"cold 报表 (imports matplotlib, reads the font list): {time.perf_counter() - cold:.2f} s")
                await bench.time("reference: 帮助 (the chat path, no database work)", lambda: bench.say("帮助"))
                await bench.time("reference: 应收 (receivables with ageing)", lambda: bench.say("应收"))
                await requests(bench)
                await breakdown(bench)
                if not args.indexed_only:
                    engine = app[keys.STORE].engine
                    async with engine.begin() as conn:
                        for index, table, _ in indexes():
                            await conn.execute(text(f"DROP INDEX {index}"))
                        await conn.execute(text("ANALYZE"))
                    await requests(bench, "  [without 0012's indexes]")
            finally:
                await client.close()
    width = max(len(label) for label, *_ in bench.results) + 2
    print(f"\n{'':{width}}    wall: median  slowest   CPU: median   ({name}, {args.repeat} runs each; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    for label, median, slowest, cpu in bench.results:
        print(f"{label:{width}}  {median * 1000:9.0f} ms {slowest * 1000:7.0f} ms  {cpu * 1000:9.0f} ms")


if __name__ == "__main__":
    asyncio.run(run(parse_args()))
