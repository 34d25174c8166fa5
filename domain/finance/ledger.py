"""What each payment milestone stands at: paid so far, outstanding, the due date in force, and
receivables ageing (not due / 1–30 / 31–90 / >90 days overdue)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from domain.store.models import Contract, Milestone, PaymentMilestone, Project
from domain.store.uow import Tx

ZERO = Decimal("0.00")
BUCKETS = ("not_due", "d1_30", "d31_90", "over_90")


def effective_due(payment: PaymentMilestone, trigger: Milestone | None) -> date | None:
    """A payment tied to a project milestone falls due `trigger_offset_days` after that
    milestone is reached; until then it has no due date (the stored one is only a plan)."""
    if payment.trigger_milestone_id is None:
        return payment.due_date
    if trigger is None or trigger.actual_end is None:
        return None
    return trigger.actual_end + timedelta(days=payment.trigger_offset_days)


def bucket_of(days_overdue: int) -> str:
    if days_overdue <= 0:
        return "not_due"
    if days_overdue <= 30:
        return "d1_30"
    if days_overdue <= 90:
        return "d31_90"
    return "over_90"


@dataclass(frozen=True)
class Receivable:
    milestone: PaymentMilestone
    contract: Contract
    project: Project
    paid: Decimal
    due: date | None
    planned: date | None       # the stored date, shown as "expected" while not yet due

    @property
    def outstanding(self) -> Decimal:
        return max(self.milestone.amount - self.paid, ZERO)

    @property
    def settled(self) -> bool:
        return self.outstanding == ZERO

    def days_overdue(self, today: date) -> int:
        if self.settled or self.due is None:
            return 0
        return max((today - self.due).days, 0)

    def bucket(self, today: date) -> str:
        return bucket_of(self.days_overdue(today))


async def receivables(tx: Tx, *, unpaid_only: bool = True, customer_id: int | None = None,
                      project_ids: list[int] | None = None) -> list[Receivable]:
    rows = await tx.finance.milestones_with_projects(unpaid_only=unpaid_only, customer_id=customer_id,
                                                     project_ids=project_ids)
    paid = await tx.finance.paid_totals([m.id for m, _, _ in rows])
    triggers = await tx.finance.project_milestones(
        [m.trigger_milestone_id for m, _, _ in rows if m.trigger_milestone_id])
    out = []
    for payment, contract, project in rows:
        trigger = triggers.get(payment.trigger_milestone_id) if payment.trigger_milestone_id else None
        out.append(Receivable(payment, contract, project, paid[payment.id],
                              effective_due(payment, trigger), payment.due_date))
    return out


async def receivable(tx: Tx, milestone_id: int) -> Receivable | None:
    payment = await tx.finance.milestone(milestone_id)
    if payment is None:
        return None
    contract = await tx.finance.contract(payment.contract_id)
    project = await tx.projects.get(contract.project_id)
    trigger = (await tx.finance.project_milestones([payment.trigger_milestone_id])).get(
        payment.trigger_milestone_id) if payment.trigger_milestone_id else None
    return Receivable(payment, contract, project, await tx.finance.paid_total(payment.id),
                      effective_due(payment, trigger), payment.due_date)


@dataclass(frozen=True)
class Ageing:
    totals: dict[str, Decimal]
    rows: list[tuple[Receivable, int]]   # (receivable, days overdue), most overdue first

    @property
    def total(self) -> Decimal:
        return sum(self.totals.values(), ZERO)


def ageing(rows: list[Receivable], today: date) -> Ageing:
    totals = {b: ZERO for b in BUCKETS}
    open_rows = [(r, r.days_overdue(today)) for r in rows if not r.settled]
    for row, days in open_rows:
        totals[bucket_of(days)] += row.outstanding
    open_rows.sort(key=lambda item: (-item[1], item[0].project.code, item[0].milestone.seq))
    return Ageing(totals, open_rows)
