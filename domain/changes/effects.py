"""What an approved change does: days move the unfinished milestones' planned dates (and the
project's planned end, and the expected date of each unpaid payment that waits for one of those
milestones); money is added to the project's contract value. The effect is kept on
the change, so its card, the audit log and the customer's digest can say what moved."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from domain.errors import InvalidInput
from domain.store.models import ChangeRequest, Milestone
from domain.store.uow import Tx


async def apply_change(tx: Tx, change: ChangeRequest) -> dict[str, Any]:
    effect: dict[str, Any] = {}
    if change.days_delta:
        effect["schedule"] = await shift_schedule(tx, change.project_id, change.days_delta)
    if change.cost_delta:
        effect["contract"] = await add_to_contract(tx, change.project_id, change.cost_delta)
    return effect


async def shift_schedule(tx: Tx, project_id: int, days: int) -> dict[str, Any]:
    """Finished milestones keep their dates; one under way keeps its start and moves its end;
    the ones not started move whole."""
    moved = []
    for milestone in await tx.projects.milestones(project_id):
        if milestone.actual_end is not None:
            continue
        entry: dict[str, Any] = {"id": milestone.id, "name": milestone.name}
        if milestone.actual_start is None and milestone.planned_start is not None:
            entry["planned_start"] = _move(milestone, "planned_start", days)
        if milestone.planned_end is not None:
            entry["planned_end"] = _move(milestone, "planned_end", days)
        moved.append(entry)
    project = await tx.projects.get(project_id)
    effect: dict[str, Any] = {"days": days, "milestones": moved}
    payments = await _follow_plan(tx, project_id, {m.id: m for m in await tx.projects.milestones(project_id)
                                                   if m.actual_end is None and m.planned_end is not None})
    if payments:
        effect["payments"] = payments
    if project is not None and project.planned_end_date is not None:
        before = project.planned_end_date
        project.planned_end_date = before + timedelta(days=days)
        effect["project_end"] = [before.isoformat(), project.planned_end_date.isoformat()]
    return effect


async def _follow_plan(tx: Tx, project_id: int, open_milestones: dict[int, Milestone]) -> list[dict[str, Any]]:
    """A payment due some days after a milestone is reached is expected that long after the
    milestone's planned end (finance.contracts): when the plan moves, so does that expectation
    (应收 showed the old date after a +20-day change). Reached milestones set the real due date
    (ledger.effective_due) and are not moved; paid payments are history."""
    moved = []
    for payment, _ in await tx.finance.milestones_of_project(project_id):
        trigger = open_milestones.get(payment.trigger_milestone_id or 0)
        if trigger is None or payment.status == "paid":
            continue
        expected = trigger.planned_end + timedelta(days=payment.trigger_offset_days)
        if expected != payment.due_date:
            before = payment.due_date
            payment.due_date = expected
            moved.append({"id": payment.id, "name": payment.name,
                          "due": [before.isoformat() if before else None, expected.isoformat()]})
    return moved


def _move(milestone: Milestone, column: str, days: int) -> list[str]:
    before: date = getattr(milestone, column)
    after = before + timedelta(days=days)
    setattr(milestone, column, after)
    return [before.isoformat(), after.isoformat()]


async def add_to_contract(tx: Tx, project_id: int, amount: Decimal) -> dict[str, Any]:
    contract = await tx.changes.contract_for(project_id)
    if contract is None:
        project = await tx.projects.get(project_id)
        raise InvalidInput("change.error.no_contract", code=project.code if project else "-")
    before = contract.value
    after = before + amount
    if after < 0:
        raise InvalidInput("change.error.contract_negative", number=contract.number, value=str(before))
    contract.value = after
    return {"contract_id": contract.id, "number": contract.number, "before": str(before),
            "after": str(after)}
