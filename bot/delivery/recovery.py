"""Rows an outage failed are sent once the platform answers again.

A row that used up its attempts while the platform was down (5xx, no answer, refused
connections) ends `failed` with failure "outage". It is not given up: as soon as any send to
that platform succeeds, every such row of the platform that is younger than
`outage_retry_minutes` is due again with a fresh set of attempts. If nothing else is being sent
to the platform, one of them is tried every `outage_probe_seconds` to find out (the first in its
chat, the one tried longest ago, so a chat's order holds and one bad chat cannot hide that the
platform is back).

Why a bound on age: a send whose answer was lost may have arrived. Sent again under the same
idempotency key, the platform drops the copy only within its de-duplication window (Feishu's
uuid: one hour; WeCom's duplicate check: the 30 minutes we ask for). Older rows stay failed,
are counted (health, logs, `sitebot outbox status`) and can be requeued by hand
(`sitebot outbox retry`). A row the platform refused (bad chat id, no permission) stays failed.
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Callable, Collection

from bot.settings import DeliverySettings
from domain.store.uow import Store

log = logging.getLogger(__name__)


def retry_since(settings: DeliverySettings, now: datetime) -> datetime:
    """Outage failures created before this are no longer sent again by themselves."""
    return now - timedelta(minutes=settings.outage_retry_minutes)


class OutageRecovery:
    def __init__(self, store: Store, settings: DeliverySettings, clock: Callable[[], datetime],
                 platforms: Collection[str], skip_platforms: Collection[str] = ()) -> None:
        """`platforms`: those this worker sends to; `skip_platforms`: another process's."""
        self.store, self.settings, self.clock = store, settings, clock
        self.platforms, self.skip_platforms = set(platforms), tuple(skip_platforms)
        self.down: set[str] = set()          # platforms with outage failures young enough
        self._next_look: datetime | None = None

    async def upkeep(self, answered: set[str], found_down: set[str]) -> None:
        """`answered`: platforms that took a message since the last call; `found_down`:
        platforms a row has just failed on for an outage."""
        now = self.clock()
        self.down |= found_down & self.platforms
        back = answered & self.down
        if back:
            self.down -= back
            async with self.store.transaction() as tx:
                for platform in sorted(back):
                    count = await tx.outbox.revive(platform, retry_since(self.settings, now), now)
                    if count:
                        log.warning("%s answers again: %d outbox rows an outage failed are sent again",
                                    platform, count)
        if self._next_look is not None and now < self._next_look:
            return
        self._next_look = now + timedelta(seconds=self.settings.outage_probe_seconds)
        async with self.store.transaction() as tx:
            # Also finds what another process, or this one before a restart, left failed.
            self.down = await tx.outbox.outage_platforms(retry_since(self.settings, now), self.skip_platforms)
            self.down &= self.platforms
            for platform in sorted(self.down - answered):
                row_id = await tx.outbox.probe(platform, retry_since(self.settings, now), now,
                                               attempts=self.settings.max_attempts - 1)
                if row_id is not None:
                    log.info("%s: trying outbox row %s to see whether it answers again", platform, row_id)
