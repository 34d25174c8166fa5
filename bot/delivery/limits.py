"""Platform rate limits, one sliding window per scope ("feishu:chat:oc_1").

A limit (key, N, P) means exactly what the platforms say: at most N messages in ANY window of P
seconds. (A leaky bucket of N per P would let a full burst through and then the steady rate,
up to 2N in some window — WeCom silently drops such excess.) Each window remembers the times
of its last N sends.

The worker never sleeps on a window: if any window a message needs is full, the row is put back
with the time it will fit, so one slow chat does not hold up the others. Windows follow
`clock` (seconds, the worker's clock), so tests that move a fixed clock see them move. They are
per process; with several processes, give each a share of the platform's limit.
"""
from __future__ import annotations

import time
from collections import deque
from typing import Callable

# (limit key, max messages, in any window of this many seconds)
LimitSpec = tuple[str, int, float]


def guarded(period: float) -> float:
    """The window we keep: longer than the platform's by the jitter between taking a slot here
    and the message arriving there (network, a busy event loop), so their count never sees
    N+1 in P even when our sends arrive bunched up."""
    return period + max(0.1, 0.05 * period)


class _Window:
    def __init__(self, count: int, period: float) -> None:
        self.count, self.period = count, guarded(period)
        self.sent: deque[float] = deque()

    def wait(self, now: float) -> float:
        """Seconds until one more message fits (0 if it fits now)."""
        while self.sent and self.sent[0] <= now - self.period:
            self.sent.popleft()
        if len(self.sent) < self.count:
            return 0.0
        return self.sent[0] + self.period - now


class RateLimits:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._windows: dict[str, _Window] = {}

    def _window(self, key: str, count: int, period: float) -> _Window:
        window = self._windows.get(key)
        if window is None:
            window = self._windows[key] = _Window(count, period)
        return window

    async def try_take(self, specs: list[LimitSpec]) -> float:
        """Take one slot in every window and return 0, or take none and return the seconds
        to wait before trying again."""
        now = self.clock()
        windows = [self._window(*spec) for spec in specs]
        wait = max((window.wait(now) for window in windows), default=0.0)
        if wait > 0:
            return wait
        for window in windows:
            window.sent.append(now)
        return 0.0
