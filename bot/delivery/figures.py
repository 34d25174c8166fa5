"""What the delivery worker measures of itself, logged (INFO) every FIGURES_SECONDS while it
sends: how many sends, how long from taking a place in the rate windows to the request leaving
and from leaving to the answer (our event loop's delays included: how late it reads the
answer; a send holds its places until a period after its answer), and how long the worker's writes
waited for SQLite's write lock (domain/store/write_turns.py; none on PostgreSQL). These are
the figures that tell whether the platform's limits, the lock or a busy event loop set the
pace (docs/delivery.md)."""
from __future__ import annotations

import logging
import time

from domain.store.write_turns import LOCK_WAITS

log = logging.getLogger(__name__)
FIGURES_SECONDS = 10.0
WRITER = "delivery"   # the name the worker's transactions go by (write_turns.WRITER)


def _spread(values: list[float]) -> str:
    if not values:
        return "-"
    ordered = sorted(values)

    def at(share: float) -> float:
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000

    return f"p50 {at(0.5):.0f} / p99 {at(0.99):.0f} / max {ordered[-1] * 1000:.0f} ms (n={len(ordered)})"


class DeliveryFigures:
    def __init__(self) -> None:
        self._waits: list[float] = []     # place taken -> request leaving
        self._answers: list[float] = []   # request leaving -> answer read
        self._since = time.monotonic()

    def answered(self, taken: float, left: float | None, now: float) -> None:
        if len(self._answers) < 100_000:
            left = now if left is None else left
            self._waits.append(left - taken)
            self._answers.append(now - left)

    def report(self) -> str | None:
        """The line logged (None when it is not time yet or nothing was sent)."""
        now = time.monotonic()
        if now - self._since < FIGURES_SECONDS:
            return None
        span, self._since = now - self._since, now
        answers, self._answers = self._answers, []
        leaving, self._waits = self._waits, []
        locks = LOCK_WAITS.take(WRITER)
        if not answers:
            return None
        line = (f"delivery: {len(answers)} sends in {span:.0f} s ({len(answers) / span:.1f}/s); "
                f"place taken to leaving {_spread(leaving)}; leaving to answer {_spread(answers)}; "
                f"write-lock waits {_spread(locks)}")
        log.info(line)
        return line
