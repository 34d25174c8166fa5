"""How the outbox is doing, for people: the JSON `GET /healthz` shows, and a warning line in
the log when failed rows grow, or pending rows grow while the oldest has waited a while."""
from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any, Callable, Collection

from bot.delivery.recovery import retry_since
from bot.settings import DeliverySettings
from domain.store.repos.outbox import OutboxCounts
from domain.store.uow import Store

log = logging.getLogger(__name__)
REPORT_SECONDS = 60.0   # how often the worker compares the counts with the last ones


async def outbox_counts(store: Store, settings: DeliverySettings, now: datetime,
                        skip_platforms: Collection[str] = ()) -> OutboxCounts:
    # A read-only transaction: a health probe or a metrics scrape must not queue behind the
    # worker's writers for SQLite's write lock (Store.reading).
    async with store.reading() as tx:
        return await tx.outbox.counts(retry_since(settings, now), skip_platforms)


def as_json(counts: OutboxCounts, now: datetime) -> dict[str, Any]:
    oldest = counts.oldest_pending
    return {"pending": counts.pending,
            "oldest_pending_seconds": round((now - oldest).total_seconds(), 1) if oldest else None,
            "failed": counts.failed,
            "failed_outage_waiting": counts.failed_outage,   # sent again once the platform answers
            "failed_outage_expired": counts.failed_expired,  # too old for that: by hand only
            "failed_permanent": counts.failed_permanent}


def describe(counts: OutboxCounts, now: datetime) -> str:
    oldest = counts.oldest_pending
    waited = f", oldest waiting {(now - oldest).total_seconds():.0f} s" if oldest else ""
    return (f"outbox: {counts.pending} pending{waited}; {counts.failed} failed "
            f"({counts.failed_outage} by an outage, to be sent once the platform answers; "
            f"{counts.failed_expired} by an outage but too old to send again; "
            f"{counts.failed_permanent} refused) — `sitebot outbox status` lists them")


class OutboxMonitor:
    def __init__(self, store: Store, settings: DeliverySettings, clock: Callable[[], datetime],
                 skip_platforms: Collection[str] = ()) -> None:
        self.store, self.settings, self.clock = store, settings, clock
        self.skip_platforms = tuple(skip_platforms)
        self.last = OutboxCounts()
        self._next: datetime | None = None

    async def report(self) -> str | None:
        """Every REPORT_SECONDS: the warning line logged (None when nothing grew)."""
        now = self.clock()
        if self._next is not None and now < self._next:
            return None
        self._next = now + timedelta(seconds=REPORT_SECONDS)
        counts = await outbox_counts(self.store, self.settings, now, self.skip_platforms)
        last, self.last = self.last, counts
        waited = (now - counts.oldest_pending).total_seconds() if counts.oldest_pending else 0.0
        grew = counts.failed > last.failed or (counts.pending > last.pending and waited >= REPORT_SECONDS)
        if not grew:
            return None
        line = describe(counts, now)
        log.warning(line)
        return line
