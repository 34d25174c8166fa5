"""Money figures (回款): receivables and their ageing, what was collected, days sales
outstanding and the collection rate — all as of the period's last day, so last month's
figures are last month's, not today's with last month's label. Due dates follow the same rule
as 应收 (domain/finance/ledger.py: a payment tied to a milestone falls due when it is reached);
the ageing buckets are the same ones."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Sequence

from domain.finance.ledger import BUCKETS, ZERO, bucket_of, effective_due
from domain.reports.periods import Period
from domain.reports.stats import money, percent
from domain.store.repos.reports import MilestoneRow, PaymentRow, ReceivableRow


@dataclass(frozen=True)
class Due:
    """One payment milestone as it stood at the end of a day."""
    row: ReceivableRow
    due: date | None
    paid: Decimal

    @property
    def outstanding(self) -> Decimal:
        return max(self.row.amount - self.paid, ZERO)

    def days_overdue(self, day: date) -> int:
        if self.outstanding == ZERO or self.due is None:
            return 0
        return max((day - self.due).days, 0)


def dues_on(rows: Sequence[ReceivableRow], payments: Sequence[PaymentRow],
            milestones: dict[int, MilestoneRow], day: date) -> list[Due]:
    """Every payment milestone as it stood at the end of `day`: paid what was received by
    then, due if its date (or its milestone) had come by then."""
    paid: dict[int, Decimal] = {}
    for payment in payments:
        if payment.paid_on <= day:
            paid[payment.milestone_id] = paid.get(payment.milestone_id, ZERO) + payment.amount
    out = []
    for row in rows:
        trigger = milestones.get(row.trigger_milestone_id) if row.trigger_milestone_id else None
        if trigger is not None and (trigger.actual_end is None or trigger.actual_end > day):
            trigger = None   # not reached by then: no due date yet
        out.append(Due(row, effective_due(row, trigger), paid.get(row.milestone_id, ZERO)))  # type: ignore[arg-type]
    return out


@dataclass(frozen=True)
class MoneyFigures:
    receivable: Decimal                  # unpaid, due or not (as of the last day)
    overdue: Decimal                     # unpaid past its due date
    ageing: dict[str, Decimal]           # bucket -> unpaid (not_due, d1_30, d31_90, over_90)
    collected: Decimal                   # received in the period
    payments: int
    fell_due: Decimal                    # amounts whose due date fell in the period
    collection_rate: float | None        # % of `fell_due` received by the period's end
    dso: float | None                    # days sales outstanding, see `days_sales_outstanding`
    overdue_rows: list[tuple[Due, int]] = field(default_factory=list)   # most overdue first


def days_sales_outstanding(due_unpaid: Decimal, fell_due: Decimal, days: float) -> float | None:
    """应收账款周转天数: what was due and still unpaid at the period's end, in days of what fell
    due during it (unpaid ÷ fell due × days). None when nothing fell due."""
    if fell_due <= ZERO:
        return None
    return round(float(due_unpaid / fell_due) * days, 1)


def money_figures(rows: Sequence[ReceivableRow], payments: Sequence[PaymentRow],
                  milestones: dict[int, MilestoneRow], period: Period) -> MoneyFigures:
    day = period.last_day
    dues = dues_on(rows, payments, milestones, day)
    ageing = {bucket: ZERO for bucket in BUCKETS}
    for due in dues:
        if due.outstanding > ZERO:
            ageing[bucket_of(due.days_overdue(day))] += due.outstanding
    in_period = [p for p in payments if period.holds_day(p.paid_on)]
    falling = [d for d in dues if period.holds_day(d.due)]
    fell_due = money(d.row.amount for d in falling)
    received = money(min(d.paid, d.row.amount) for d in falling)
    due_unpaid = money(d.outstanding for d in dues if d.due is not None and d.due <= day)
    overdue_rows = sorted(((d, d.days_overdue(day)) for d in dues if d.days_overdue(day) > 0),
                          key=lambda item: (-item[1], item[0].row.milestone_id))
    return MoneyFigures(
        receivable=money(ageing.values()), overdue=money(v for k, v in ageing.items() if k != "not_due"),
        ageing=ageing, collected=money(p.amount for p in in_period), payments=len(in_period),
        fell_due=fell_due, collection_rate=percent(received, fell_due),
        dso=days_sales_outstanding(due_unpaid, fell_due, period.days), overdue_rows=overdue_rows)
