"""The scheduler as bot/jobs.py sets APScheduler up: every job's pass again and again on the event
loop, never two passes of one job at once, a failed pass not the end of its job, and no new pass
after shutdown."""
from __future__ import annotations

import asyncio

from bot.jobs import JobSpec, start_scheduler


async def until(condition, timeout: float = 10.0) -> None:  # noqa: ANN001
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.01)


async def test_passes_repeat_never_overlap_and_survive_a_failure():
    running, most, passes = 0, 0, []

    async def slow() -> None:   # outlasts its interval
        nonlocal running, most
        running += 1
        most = max(most, running)
        try:
            await asyncio.sleep(0.05)
            passes.append("slow")
            if len(passes) == 1:
                raise RuntimeError("the first pass fails")
        finally:
            running -= 1

    scheduler = start_scheduler([JobSpec("slow", slow, 0.01)])
    try:
        assert [job.name for job in scheduler.get_jobs()] == ["slow"]
        await until(lambda: len(passes) >= 4)
    finally:
        scheduler.shutdown(wait=False)
    assert most == 1
    await until(lambda: running == 0)   # a pass under way when it stopped ends on its own
    done = len(passes)
    await asyncio.sleep(0.2)
    assert len(passes) == done   # no new pass
