"""The arithmetic every figure shares, so that "average", "p90" and "rate" mean one thing."""
from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal
from typing import Iterable, Sequence

HOUR = 3600.0


def mean(values: Sequence[float]) -> float | None:
    return mean_of(sum(values), len(values))


def mean_of(total: float, count: int) -> float | None:
    """A mean from its sum and count (as a database adds them up): the same rounding as mean."""
    return round(total / count, 2) if count else None


def p90(values: Sequence[float]) -> float | None:
    """The 90th percentile, nearest rank: the smallest value at least 90 % of values are at
    or below (of 10 values, the 9th smallest)."""
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[math.ceil(0.9 * len(ordered)) - 1], 2)


def percent(part: int | Decimal, whole: int | Decimal) -> float | None:
    """part / whole in percent with one decimal; None when there is nothing to divide by."""
    if not whole:
        return None
    return float((Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP))


def hours(seconds: float) -> float:
    return seconds / HOUR


def money(values: Iterable[Decimal]) -> Decimal:
    return sum(values, Decimal("0.00")).quantize(Decimal("0.01"))
