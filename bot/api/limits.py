"""A per-token rate limit: a token bucket per token, in this process (a second web process has
its own; the limit protects the process, it is not a quota)."""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime


@dataclass
class RateLimiter:
    per_minute: int = 120
    burst: int = 30
    _buckets: dict[int, tuple[float, datetime]] = field(default_factory=dict)

    def take(self, token_id: int, now: datetime) -> float:
        """0 when the call may go ahead (one taken); else the seconds until it may."""
        rate = self.per_minute / 60.0
        level, at = self._buckets.get(token_id, (float(self.burst), now))
        level = min(float(self.burst), level + max((now - at).total_seconds(), 0.0) * rate)
        if level >= 1.0:
            self._buckets[token_id] = (level - 1.0, now)
            return 0.0
        self._buckets[token_id] = (level, now)
        return max(math.ceil((1.0 - level) / rate), 1)
