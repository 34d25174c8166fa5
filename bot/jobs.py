"""Scheduled work. Each job is another entry point into the domain; what it does is made
exactly-once by idempotency keys in the database, not by the scheduler.

Each job is known to APScheduler by its own name (`sla_escalations`, not `partial`), and each
pass is timed and counted (bot/observe.py). A pass is logged at DEBUG only: every few seconds
at INFO would bury the lines worth reading (APScheduler's own "Job ... executed" lines are
kept to WARNING by bot/logging_setup.py); a failed pass is an ERROR with its traceback.
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Awaitable, Callable

from bot.observe import NO_OBSERVER, Observer

if TYPE_CHECKING:
    from apscheduler.schedulers.asyncio import AsyncIOScheduler

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class JobSpec:
    name: str
    run: Callable[[], Awaitable[None]]
    seconds: int


def observed(job: JobSpec, observer: Observer) -> Callable[[], Awaitable[None]]:
    """The job's pass, timed and counted; a failure is logged here and not re-raised (the next
    pass tries again, and APScheduler would log it a second time)."""
    async def run_pass() -> None:
        started = time.perf_counter()
        try:
            await job.run()
        except Exception:
            seconds = time.perf_counter() - started
            observer.job_ran(job.name, "failed", seconds)
            log.exception("job %s failed after %.2f s", job.name, seconds)
            return
        seconds = time.perf_counter() - started
        observer.job_ran(job.name, "ok", seconds)
        log.debug("job %s done in %.3f s", job.name, seconds)
    run_pass.__name__ = job.name
    return run_pass


def start_scheduler(jobs: list[JobSpec], timezone=None, observer: Observer = NO_OBSERVER  # noqa: ANN001
                    ) -> "AsyncIOScheduler":
    # Imported here, not at the top: only the process that runs the jobs needs it (the web
    # side of `serve --worker-process` never does), and its import (entry points, executors'
    # pools, tzlocal) is ~50 ms of start-up.
    from apscheduler.schedulers.asyncio import AsyncIOScheduler
    scheduler = AsyncIOScheduler(timezone=timezone)
    for job in jobs:
        # coalesce + max_instances=1: a slow pass is never run twice at once in one process.
        # misfire_grace_time=None: a pass made late by a busy loop runs late, not skipped.
        scheduler.add_job(observed(job, observer), "interval", seconds=job.seconds, id=job.name,
                          name=job.name, coalesce=True, max_instances=1, misfire_grace_time=None)
    scheduler.start()
    return scheduler
