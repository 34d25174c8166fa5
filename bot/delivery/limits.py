"""Platform rate limits as leaky buckets (aiolimiter), one per scope ("feishu:chat:oc_1").

The worker never sleeps on a bucket: if any bucket a message needs is full, the row is put back
with a time to try again, so one slow chat does not hold up the others. Buckets are per
process; with several processes, give each a share of the platform's limit.
"""
from __future__ import annotations

from aiolimiter import AsyncLimiter

# (bucket key, max messages, per seconds)
LimitSpec = tuple[str, int, float]


class RateLimits:
    def __init__(self) -> None:
        self._buckets: dict[str, AsyncLimiter] = {}

    def _bucket(self, key: str, count: int, period: float) -> AsyncLimiter:
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = AsyncLimiter(count, period)
        return bucket

    async def try_take(self, specs: list[LimitSpec]) -> float:
        """Take one slot from every bucket and return 0, or take none and return the seconds
        to wait before trying again."""
        buckets = [(self._bucket(*spec), spec) for spec in specs]
        full = [spec for bucket, spec in buckets if not bucket.has_capacity()]
        if full:
            return max(period / count for _, count, period in full)
        for bucket, _ in buckets:
            await bucket.acquire()  # has capacity: returns at once
        return 0.0
