"""Platform rate limits, one sliding window per scope ("feishu:chat:oc_1", "feishu:app").

A limit (key, N, P) means exactly what the platforms say: at most N messages in ANY window of P
seconds. (A leaky bucket of N per P would let a full burst through and then the steady rate,
up to 2N in some window — WeCom silently drops such excess.)

The platform counts a message when it arrives, which is after we send it and before its answer
reaches us. So a send holds its place in the window from the moment it is sent until P seconds
after its answer came back (still waiting for an answer: it holds it). Then N+1 messages can
never arrive within P seconds, however the network or a busy event loop delays or reorders them,
with no guess at the jitter. (A window is only as long as the platform's plus one round trip.)

A platform-wide per-second limit (Feishu's 50/s per app) is also paced, by a token bucket
holding a tenth of it and refilled at its rate, so the sends of many chats do not leave as one
bunch at the start of each second. Small windows (a chat's 5/s) and long ones (20 a minute)
are not paced: their few messages going out together is what users expect, and the exact
window holds them anyway.

`take` never sleeps: it says how long until every window the message needs has room. Windows
follow `clock` (seconds, the worker's clock), so tests that move a fixed clock see them move.
They are per process: one process sends at a time (the delivery lease), and one that starts
first recalls what was sent within the windows from the database (`recall`, bot/delivery/recall.py).
"""
from __future__ import annotations

import math
import time
from collections import deque
from dataclasses import dataclass
from typing import Callable

# (limit key, max messages, in any window of this many seconds)
LimitSpec = tuple[str, int, float]

PACED_UP_TO = 1.0      # windows of at most this many seconds ...
PACED_FROM = 10        # ... and at least this many messages are paced
PACE_PARTS = 10        # the bucket holds 1/PACE_PARTS of the limit
PRUNE_EVERY = 2000     # takes between sweeps of windows nobody used for a whole period
EPSILON = 1e-6         # clock arithmetic on timestamps is not exact


class _Window:
    """The sends the platform may count now: answered within the last `period` seconds (by
    when their answer came) and those still waiting for an answer."""

    def __init__(self, count: int, period: float) -> None:
        self.count, self.period = count, period
        self.answered: deque[float] = deque()   # answer times, oldest first
        self.open = 0                            # sent, no answer yet

    def _forget(self, now: float) -> None:
        while self.answered and self.answered[0] <= now - self.period + EPSILON:
            self.answered.popleft()

    def wait(self, now: float) -> float:
        """Seconds until one more message fits (0 if it fits now)."""
        self._forget(now)
        must_leave = len(self.answered) + self.open + 1 - self.count
        if must_leave <= 0:
            return 0.0
        if must_leave > len(self.answered):   # full of sends still waiting for their answer
            return self.period / self.count
        return self.answered[must_leave - 1] + self.period - now

    def room(self, now: float, within: float) -> int:
        """How many more could be sent by `now + within` (for sizing claims; `within` at most
        one period)."""
        self._forget(now)
        still = sum(1 for at in self.answered if at > now + within - self.period)
        return max(0, self.count - self.open - still)

    def idle(self, now: float) -> bool:
        self._forget(now)
        return not self.open and not self.answered


class _Pace:
    """A token bucket: a tenth of the limit at once, refilled at the limit's own rate. Sends
    go out spread over the window; after the event loop was held up for a moment, the bucket
    has refilled and they catch up at once (a strict sub-window would lose that time)."""

    def __init__(self, count: int, period: float) -> None:
        self.capacity, self.rate = float(math.ceil(count / PACE_PARTS)), count / period
        self.tokens, self.at = self.capacity, None

    def _refill(self, now: float) -> None:
        if self.at is not None:
            self.tokens = min(self.capacity, self.tokens + (now - self.at) * self.rate)
        self.at = now

    def wait(self, now: float) -> float:
        self._refill(now)
        return 0.0 if self.tokens >= 1 - EPSILON else (1 - self.tokens) / self.rate

    def take(self, now: float) -> None:
        self._refill(now)
        self.tokens -= 1


@dataclass
class Slot:
    """Places taken in every window one message needs; `RateLimits.answered` when it is back."""
    windows: list[_Window]
    taken: float = 0.0          # when (the windows' clock)
    left: float | None = None   # when the request was handed to the adapter (`leaving`)


class RateLimits:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._windows: dict[str, _Window] = {}
        self._paces: dict[str, _Pace] = {}
        self._takes = 0

    def _window(self, key: str, count: int, period: float) -> _Window:
        window = self._windows.get(key)
        if window is None:
            window = self._windows[key] = _Window(count, period)
        return window

    def _pace(self, key: str, count: int, period: float) -> _Pace | None:
        if period > PACED_UP_TO or count < PACED_FROM:
            return None
        pace = self._paces.get(key)
        if pace is None:
            pace = self._paces[key] = _Pace(count, period)
        return pace

    def take(self, specs: list[LimitSpec], paced: bool = True) -> tuple[float, Slot | None]:
        """A place in every window and (0, the slot), or no place anywhere and (seconds to
        wait before asking again, None). `paced=False`: the windows alone, not the pacing (a
        message that cannot wait: it goes as soon as the limit itself allows)."""
        now = self.clock()
        windows = [self._window(*spec) for spec in specs]
        paces = [pace for pace in (self._pace(*spec) for spec in specs) if pace is not None] if paced else []
        wait = max([window.wait(now) for window in windows] + [pace.wait(now) for pace in paces],
                   default=0.0)
        if wait > 0:
            return wait, None
        for window in windows:
            window.open += 1
        for pace in paces:
            pace.take(now)
        self._takes += 1
        if self._takes % PRUNE_EVERY == 0:
            self._prune(now)
        return 0.0, Slot(windows, now)

    def leaving(self, slot: Slot) -> None:
        """The message's request is being handed to the adapter now (for the worker's figures:
        the windows count the send from its place to its answer, as above)."""
        slot.left = self.clock()

    def answered(self, slot: Slot) -> None:
        """The message's answer (or error) came back: from now on it leaves its windows as
        time passes."""
        now = self.clock()
        for window in slot.windows:
            window.open -= 1
            window.answered.append(now)

    def wait(self, specs: list[LimitSpec]) -> float:
        """Seconds until a message needing these windows would fit (0: now); takes nothing."""
        now = self.clock()
        waits = [self._window(*spec).wait(now) for spec in specs]
        waits += [pace.wait(now) for pace in (self._pace(*spec) for spec in specs) if pace is not None]
        return max(waits, default=0.0)

    async def try_take(self, specs: list[LimitSpec]) -> float:
        """`take` for a message answered at once (tests of the windows themselves)."""
        wait, slot = self.take(specs)
        if slot is not None:
            self.answered(slot)
        return wait

    def recall(self, sends: list[tuple[list[LimitSpec], float]]) -> None:
        """Start again from what was sent before this process took over (a restart, another
        replica's lease): every window forgets what it held and takes each (specs, answer time)
        in `sends`, oldest first, as if it had been answered here then. Only when nothing is in
        flight (the worker calls it before its first pass)."""
        self._windows.clear()
        self._paces.clear()
        now = self.clock()
        for specs, at in sends:
            for spec in specs:
                if at > now - spec[2]:
                    self._window(*spec).answered.append(min(at, now))

    def room(self, specs: list[LimitSpec], within: float) -> int:
        """How many messages all these windows could take by `within` seconds from now."""
        now = self.clock()
        return min((self._window(*spec).room(now, within) for spec in specs), default=1 << 30)

    def _prune(self, now: float) -> None:
        """Forget the windows of chats nobody wrote to for a whole period (a digest touches
        thousands of chats once a day)."""
        for key in [key for key, window in self._windows.items() if window.idle(now)]:
            del self._windows[key]
            self._paces.pop(key, None)
