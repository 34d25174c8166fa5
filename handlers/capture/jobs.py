"""Upkeep (job "capture.upkeep"): drafts and offer claims that can no longer matter are
deleted (domain/capture/upkeep.py says which), a chunk per transaction. Deleting is the same
whoever does it, so two processes running it at once do no harm."""
from __future__ import annotations

import logging

from domain.capture import upkeep
from handlers.chat.jobs import JobDef, JobRunner

log = logging.getLogger(__name__)
EVERY_SECONDS = 3600
MAX_CHUNKS = 100    # a pass stops here; the next one goes on


async def purge(runner: JobRunner) -> tuple[int, int]:
    """One pass; returns (drafts, claims) deleted."""
    deps = runner.deps
    cut = upkeep.cutoffs(runner.clock(), deps.capture, deps.rules.attach_window_minutes)
    drafts = claims = 0
    for _ in range(MAX_CHUNKS):
        async with runner.store.transaction() as tx:
            purged = await upkeep.purge_some(tx, cut)
        drafts, claims = drafts + purged.drafts, claims + purged.claims
        if not purged.more:
            break
    if drafts or claims:
        log.info("capture upkeep: %d old report drafts and %d offer claims deleted", drafts, claims)
    return drafts, claims


def capture_jobs() -> list[JobDef]:
    return [JobDef("capture.upkeep", EVERY_SECONDS, purge)]
