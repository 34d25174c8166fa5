"""A sender that starts does not start with empty rate windows (issue 19).

The windows (bot/delivery/limits.py) live in the sending process. When one starts — a restart,
or a replica taking over the delivery lease from one that died or lost its database session —
the platforms still count what the previous sender sent within their windows: with empty
windows, the new sender could send a platform's whole per-second (or per-hour) allowance on
top of it. So before its first pass the worker reads from the outbox what was sent within each
platform's longest window (rows `sent` since then, by their `sent_at`, which is when the answer
came; and rows some process is sending now, counted as answered now) and puts each in the
windows its target needs, as if it had sent it itself.

A send whose outcome the previous sender had not written yet (it writes them a pass later)
has its row still `sending` under that sender's claim: counted as sent now. So are the rows a
killed sender had claimed but not sent (until their claims run out): more cautious than needed,
for a second or so of the shared windows.
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Callable

from bot.delivery.limits import LimitSpec, RateLimits
from domain.store.uow import Store
from handlers.chat.contract import Target

log = logging.getLogger(__name__)
KINDS = ("chat", "user")   # target kinds probed for a platform's longest window


def longest_window(limits: dict[str, Callable[[Target], list[LimitSpec]]]) -> float:
    """The longest period of any limit these platforms keep (seconds; 0 without any)."""
    periods = [0.0]
    for platform, of in limits.items():
        for kind in KINDS:
            try:
                periods += [period for _, _, period in of(Target(platform, kind, "\x00any"))]
            except Exception:  # an adapter that cannot read such an id: its other kind says
                continue
    return max(periods)


async def recall_windows(store: Store, rate: RateLimits, clock: Callable[[], datetime],
                         limits: dict[str, Callable[[Target], list[LimitSpec]]]) -> int:
    """Fills `rate` from the outbox; returns how many sends it found. `limits`: each platform
    this worker sends to that keeps limits, with its adapter's `limits`."""
    period = longest_window(limits)
    if period <= 0:
        rate.recall([])
        return 0
    now = clock()
    async with store.transaction() as tx:
        sends = await tx.outbox.recent_sends(now - timedelta(seconds=period), now, list(limits))
    recalled = []
    for platform, kind, target, at in sends:
        try:
            specs = limits[platform](Target(platform, kind, target))
        except Exception:  # a target the adapter cannot read: it was not sent either
            continue
        recalled.append((specs, at.timestamp()))
    rate.recall(recalled)
    if recalled:
        log.info("delivery: %d sends of the last %.0f s (%s) fill the rate windows before sending",
                 len(recalled), period, ", ".join(sorted({send[0] for send in sends})))
    return len(recalled)
