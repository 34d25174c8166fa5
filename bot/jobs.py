"""Scheduled work. Each job is another entry point into the domain; what it does is made
exactly-once by idempotency keys in the database, not by the scheduler."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Awaitable, Callable

from apscheduler.schedulers.asyncio import AsyncIOScheduler

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class JobSpec:
    name: str
    run: Callable[[], Awaitable[None]]
    seconds: int


def start_scheduler(jobs: list[JobSpec], timezone) -> AsyncIOScheduler:  # noqa: ANN001
    scheduler = AsyncIOScheduler(timezone=timezone)
    for job in jobs:
        # coalesce + max_instances=1: a slow pass is never run twice at once in one process.
        scheduler.add_job(job.run, "interval", seconds=job.seconds, id=job.name,
                          coalesce=True, max_instances=1)
    scheduler.start()
    return scheduler
