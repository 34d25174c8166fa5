"""Platform rate limits as leaky buckets, one per scope ("feishu:chat:oc_1").

The worker never sleeps on a bucket: if any bucket a message needs is full, the row is put back
with a time to try again, so one slow chat does not hold up the others. Buckets are per
process; with several processes, give each a share of the platform's limit.

A bucket of `count` per `period` lets at most `count + count * W / period` messages through in
any window of W seconds (a full burst, then the steady rate). Buckets drain by `clock` (seconds),
the worker's clock, so tests that move a fixed clock see buckets drain with it.
"""
from __future__ import annotations

import time
from typing import Callable

# (bucket key, max messages, per seconds)
LimitSpec = tuple[str, int, float]


class _Bucket:
    def __init__(self, count: int, period: float) -> None:
        self.count, self.rate = count, count / period
        self.level, self.at = 0.0, None

    def wait(self, now: float) -> float:
        """Seconds until one more message fits (0 if it fits now)."""
        if self.at is not None:
            self.level = max(0.0, self.level - (now - self.at) * self.rate)
        self.at = now
        return max(0.0, (self.level + 1 - self.count) / self.rate)


class RateLimits:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._buckets: dict[str, _Bucket] = {}

    def _bucket(self, key: str, count: int, period: float) -> _Bucket:
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = _Bucket(count, period)
        return bucket

    async def try_take(self, specs: list[LimitSpec]) -> float:
        """Take one slot from every bucket and return 0, or take none and return the seconds
        to wait before trying again."""
        now = self.clock()
        buckets = [self._bucket(*spec) for spec in specs]
        wait = max((bucket.wait(now) for bucket in buckets), default=0.0)
        if wait > 0:
            return wait
        for bucket in buckets:
            bucket.level += 1
        return 0.0
