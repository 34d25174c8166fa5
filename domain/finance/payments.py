"""Recording a payment received: against which payment milestone, partial or in full, and an
overpayment only when the recorder confirmed it. A repeated press or event records nothing."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from domain.access import Action, require
from domain.errors import InvalidInput, NotFound
from domain.finance.ledger import Receivable, receivables
from domain.finance.money import checked_amount, format_money
from domain.store.models import Payment, Person, Project
from domain.store.uow import Tx


@dataclass(frozen=True)
class Recorded:
    payment: Payment
    after: Receivable            # the milestone as it stands now
    settled_now: bool            # this payment completed the milestone


@dataclass(frozen=True)
class ChooseMilestone:
    """More than one milestone could be meant: the recorder picks one."""
    project: Project
    amount: Decimal
    options: list[Receivable]


@dataclass(frozen=True)
class ConfirmOverpayment:
    target: Receivable
    amount: Decimal
    excess: Decimal


@dataclass(frozen=True)
class AlreadyRecorded:
    payment: Payment


Outcome = Recorded | ChooseMilestone | ConfirmOverpayment | AlreadyRecorded


async def record_payment(tx: Tx, actor: Person, project: Project, amount: Decimal, *,
                         now: datetime, today: date, ref: str, milestone_id: int | None = None,
                         confirm_over: bool = False, note: str | None = None) -> Outcome:
    await require(tx, actor, Action.RECORD_PAYMENT, project_id=project.id)
    amount = checked_amount(amount)   # also what a button carried back: NaN, 1E+999999 …
    earlier = await tx.finance.payment_by_ref(ref)
    if earlier is not None:
        return AlreadyRecorded(earlier)
    rows = await receivables(tx, unpaid_only=False, project_ids=[project.id])
    if not rows:
        raise NotFound("finance.pay.no_contract", code=project.code)
    open_rows = [r for r in rows if not r.settled]
    if milestone_id is not None:
        target = next((r for r in rows if r.milestone.id == milestone_id), None)
        if target is None:
            raise InvalidInput("error.stale_button")
        if target.settled:
            raise InvalidInput("finance.pay.already_settled", name=target.milestone.name)
    else:
        if not open_rows:
            raise InvalidInput("finance.pay.nothing_open", code=project.code)
        exact = [r for r in open_rows if r.outstanding == amount]
        candidates = exact if len(exact) == 1 else open_rows
        if len(candidates) > 1:
            return ChooseMilestone(project, amount, open_rows)
        target = candidates[0]
    if amount > target.outstanding and not confirm_over:
        return ConfirmOverpayment(target, amount, amount - target.outstanding)
    return await _write(tx, actor, target, amount, now, today, ref, note)


async def _write(tx: Tx, actor: Person, target: Receivable, amount: Decimal, now: datetime,
                 today: date, ref: str, note: str | None) -> Recorded:
    milestone = target.milestone
    payment = Payment(payment_milestone_id=milestone.id, amount=amount, paid_on=today,
                      recorded_by=actor.id, note=(note or None) and note[:500], ref=ref,
                      created_at=now)
    tx.add(payment)
    paid = target.paid + amount
    settled_now = paid >= milestone.amount
    milestone.status = "paid" if settled_now else "partial"
    if settled_now and milestone.settled_on is None:
        milestone.settled_on = today
    await tx.flush()
    tx.audit.append(at=now, actor_id=actor.id, platform=ref.split(":", 1)[0], action="payment.record",
                    subject_type="payment_milestone", subject_id=milestone.id,
                    data={"project": target.project.code, "contract": target.contract.number,
                          "amount": str(amount), "paid_total": str(paid),
                          "overpaid": str(max(paid - milestone.amount, Decimal(0))),
                          "shown": format_money(amount)})
    after = Receivable(milestone, target.contract, target.project, paid, target.due, target.planned)
    return Recorded(payment, after, settled_now)
