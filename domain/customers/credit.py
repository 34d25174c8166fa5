"""A customer's credit rating, derived from payment behaviour only: the share of payments that
fell due and were settled on time, and the worst delay (settled late, or still open)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from domain.finance.ledger import Receivable


@dataclass(frozen=True)
class Credit:
    rating: str            # A | B | C | - (no payment has fallen due yet)
    on_time_share: float   # 0..1 of payments that fell due (display only; never money)
    fell_due: int
    worst_days: int        # the longest delay, days
    overdue_now: int       # payments overdue today


def credit_of(rows: list[Receivable], today: date) -> Credit:
    fell_due = [r for r in rows if r.due is not None and r.due <= today]
    if not fell_due:
        return Credit("-", 0.0, 0, 0, 0)
    on_time, worst, overdue = 0, 0, 0
    for row in fell_due:
        if row.settled:
            settled = row.milestone.settled_on or row.due
            late = max((settled - row.due).days, 0)
            on_time += late == 0
        else:
            late = max((today - row.due).days, 0)
            overdue += late > 0
            on_time += late == 0   # due today and not yet late
        worst = max(worst, late)
    share = on_time / len(fell_due)
    if share >= 0.9 and worst <= 30:
        rating = "A"
    elif share >= 0.6 and worst <= 90:
        rating = "B"
    else:
        rating = "C"
    return Credit(rating, share, len(fell_due), worst, overdue)
