"""Scheduled work. Each job is another entry point into the domain; what it does is made
exactly-once by idempotency keys in the database, not by the scheduler.

Each job is known by its own name (`sla_escalations`, not `partial`), and each pass is timed
and counted (bot/observe.py). A pass is logged at DEBUG only: every few seconds at INFO would
bury the lines worth reading; a failed pass is an ERROR with its traceback.

Every job runs at a fixed interval, so a task per job on the event loop is the whole scheduler
(`Scheduler`): APScheduler did the same for these jobs, and importing it cost start-up ~0.1 s
of CPU (its thread and process pools, tzlocal), a tenth of the whole start (issue 18).
"""
from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from typing import Awaitable, Callable

from bot.observe import NO_OBSERVER, Observer

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class JobSpec:
    name: str
    run: Callable[[], Awaitable[None]]
    seconds: int


def observed(job: JobSpec, observer: Observer) -> Callable[[], Awaitable[None]]:
    """The job's pass, timed and counted; a failure is logged here and not re-raised (the next
    pass tries again; the job's task goes on)."""
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


@dataclass(frozen=True)
class ScheduledJob:
    id: str
    name: str


class Scheduler:
    """Each job's pass every `seconds`, the first `seconds` after the start; never two passes
    of one job at once: a pass that outlasts its interval is followed at the next tick after
    it ends (the ticks it missed are not made up in a burst)."""

    def __init__(self, jobs: list[JobSpec], observer: Observer) -> None:
        self.jobs, self.observer = jobs, observer
        self._tasks: list[asyncio.Task] = []

    def start(self) -> None:
        self._tasks = [asyncio.create_task(self._every(job), name=f"job:{job.name}") for job in self.jobs]

    def get_jobs(self) -> list[ScheduledJob]:
        return [ScheduledJob(job.name, job.name) for job in self.jobs]

    def shutdown(self, wait: bool = False) -> None:
        """Stop every job (a pass under way is cancelled: its transaction is rolled back and
        its work, made exactly-once by the database, is done by the next pass). `wait` is
        accepted for the old scheduler's callers; nothing is waited for."""
        for task in self._tasks:
            task.cancel()
        self._tasks = []

    async def _every(self, job: JobSpec) -> None:
        run_pass = observed(job, self.observer)
        loop = asyncio.get_running_loop()
        started, tick = loop.time(), 1
        while True:
            await asyncio.sleep(max(started + tick * job.seconds - loop.time(), 0.0))
            await run_pass()
            tick = max(tick + 1, int((loop.time() - started) // job.seconds) + 1)


def start_scheduler(jobs: list[JobSpec], timezone: object = None,
                    observer: Observer = NO_OBSERVER) -> Scheduler:
    """`timezone`: accepted for the callers of the APScheduler version; intervals need none."""
    scheduler = Scheduler(jobs, observer)
    scheduler.start()
    return scheduler
