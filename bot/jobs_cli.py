"""`sitebot jobs list` and `sitebot jobs run NAME [--at TIME]`: one pass of a scheduled job,
now, in this process — what the scheduler of a running sitebot does every interval.

Why: after an outage longer than a job's catch-up window (a digest missed for the whole evening)
or to see a scan's effect without waiting for its interval. The pass claims each effect as the
scheduler's does (handlers/chat/jobs.py), so running it while replicas serve performs nothing
twice; the messages it queues are sent by the running sitebot's sender (the outbox), not here.
`--at` runs the pass as if it were that time (the digest of an earlier day, say): a time in the
past only, since queued messages are due at the pass's time.
"""
from __future__ import annotations

import argparse
import sys
from datetime import datetime, timezone
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.settings import Settings
    from domain.store.uow import Store

def add_commands(sub: argparse._SubParsersAction) -> None:
    jobs = sub.add_parser("jobs", help="scheduled jobs: list them, run one pass now")
    jobs_sub = jobs.add_subparsers(dest="jobs_command", required=True)
    jobs_sub.add_parser("list", help="each scheduled job and how often it runs")
    run_one = jobs_sub.add_parser("run", help="one pass of a job now (its messages go out through the outbox)")
    run_one.add_argument("name", help="the job's name, as `sitebot jobs list` shows it (progress.digest)")
    run_one.add_argument("--at", help="run as if it were this time (2026-11-27T18:00, local time "
                                      "unless it says its zone); not in the future")


def parse_at(value: str, settings: "Settings") -> datetime | None:
    try:
        when = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return (when if when.tzinfo else when.replace(tzinfo=settings.timezone)).astimezone(timezone.utc)


async def run(args: argparse.Namespace, store: "Store", settings: "Settings", now: datetime) -> int:
    from aiohttp import web

    from bot import keys
    from bot.app import create_app
    from handlers.registry import build_jobs

    jobs = {job.name: job for job in build_jobs()}
    if args.jobs_command == "list":
        for job in jobs.values():
            print(f"{job.name}\tevery {job.seconds} s")
        return 0
    job = jobs.get(args.name)
    if job is None:
        print(f"sitebot: no job {args.name!r}; jobs: {', '.join(jobs)}", file=sys.stderr)
        return 2
    at = now
    if args.at:
        at = parse_at(args.at, settings)
        if at is None or at > now:
            print(f"sitebot: --at {args.at!r}: expected a time not later than now, like "
                  "2026-11-27T18:00", file=sys.stderr)
            return 2
    # The app as `sitebot work` builds it (the platforms' adapters, the page links, the rules
    # of the site file) with nothing running in the background: the job sees what the
    # scheduler's pass would.
    app_runner = web.AppRunner(create_app(settings, clock=lambda: at, run_worker=False, role="worker"))
    await app_runner.setup()
    try:
        performed = await job.run(app_runner.app[keys.JOBS])
    finally:
        await app_runner.cleanup()
    done = f"{performed} performed" if isinstance(performed, int) else "done"
    print(f"{job.name} at {at.astimezone(settings.timezone).isoformat(timespec='minutes')}: {done}")
    return 0
