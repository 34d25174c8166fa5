"""Change use cases: raise, decide (同意 / 驳回), withdraw, look up. Time comes in as `now`.

A decision first locks the change row, then settles the step only if it is still pending, so
two presses of the same button (two devices, two processes) produce one decision and one audit
row; the loser is told it was already decided.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from domain.access import Action, require_on_change
from domain.changes.effects import apply_change
from domain.changes.rules import ChangeRules
from domain.enums import ApprovalStatus, ChangeKind, Role
from domain.errors import InvalidInput, InvalidTransition, NotFound
from domain.store.models import ApprovalStep, ChangeRequest, Person, Project
from domain.store.uow import Tx
from domain.tickets.service import Origin, make_title

PENDING = ApprovalStatus.PENDING.value
MAX_COST = Decimal("1000000000")   # ¥1bn: beyond any single change; catches typos
MAX_DAYS = 3650
CENT = Decimal("0.01")


def number(change_id: int) -> str:
    return f"C-{change_id}"


@dataclass(frozen=True)
class NewChange:
    kind: ChangeKind
    reason: str
    cost: Decimal | None = None
    days: int | None = None
    attachments: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class Decision:
    change: ChangeRequest
    step: ApprovalStep
    next_step: ApprovalStep | None

    @property
    def final(self) -> bool:
        return self.change.status != PENDING


def check_new_change(new: NewChange) -> None:
    """What every change needs, however it was typed."""
    if new.kind is ChangeKind.SCHEDULE and not new.days:
        raise InvalidInput("change.error.days_missing")
    if new.kind is ChangeKind.BUDGET and not new.cost:
        raise InvalidInput("change.error.cost_missing")
    if not new.reason.strip():
        raise InvalidInput("change.error.reason_missing", kind=new.kind.value)
    if new.cost is not None and (abs(new.cost) >= MAX_COST or new.cost != new.cost.quantize(CENT)):
        raise InvalidInput("change.error.cost_range")
    if new.days is not None and abs(new.days) > MAX_DAYS:
        raise InvalidInput("change.error.days_range", limit=MAX_DAYS)


async def raise_change(tx: Tx, rules: ChangeRules, requester: Person, project: Project,
                       new: NewChange, now: datetime, origin: Origin) -> ChangeRequest:
    await require_on_change(tx, requester, Action.RAISE_CHANGE, project.id)
    check_new_change(new)
    cost = new.cost.quantize(CENT) if new.cost else None
    if cost and await tx.changes.contract_for(project.id) is None:
        raise InvalidInput("change.error.no_contract", code=project.code)
    approvers = [(role, await approver_for(tx, project, role, requester))
                 for role in rules.chain(new.kind, cost, new.days)]
    change = ChangeRequest(project_id=project.id, kind=new.kind.value, title=make_title(new.reason),
                           reason=new.reason.strip(), cost_delta=cost, days_delta=new.days or None,
                           status=PENDING, requester_id=requester.id, attachments=new.attachments,
                           created_at=now, source_platform=origin.platform,
                           source_chat_id=origin.chat_id, effect={})
    tx.add(change)
    await tx.flush()
    for seq, (role, person) in enumerate(approvers, 1):
        tx.add(ApprovalStep(change_id=change.id, seq=seq, role=role.value, approver_id=person.id,
                            status=PENDING, activated_at=now if seq == 1 else None))
    chain = [{"seq": s, "role": r.value, "approver_id": p.id, "name": p.name}
             for s, (r, p) in enumerate(approvers, 1)]
    _audit(tx, change, requester, "change.raise", now, origin,
           {"kind": new.kind.value, "cost": _money(cost), "days": new.days,
            "reason": change.reason, "chain": chain, "attachments": len(new.attachments)})
    await tx.flush()
    return change


async def approver_for(tx: Tx, project: Project, role: Role, requester: Person) -> Person:
    """The first holder of `role` for the project who is not the requester (nobody approves
    their own change). Nobody: refuse, naming the role, so an admin can fill the gap."""
    for person in await tx.changes.holders(project.id, role):
        if person.id != requester.id:
            return person
    raise InvalidInput("change.error.no_approver", role=role.value, code=project.code)


async def holds_role(tx: Tx, person: Person, project_id: int, role: Role) -> bool:
    if not person.active:
        return False
    return role.value in (person.org_roles or ()) or role in await tx.projects.roles_of(person.id, project_id)


async def visible_change(tx: Tx, person: Person, change_id: int) -> tuple[ChangeRequest, list[ApprovalStep]]:
    change = await tx.changes.get(change_id)
    if change is None:
        raise NotFound("change.error.not_found", number=number(change_id))
    steps = await tx.changes.steps(change.id)
    await require_on_change(tx, person, Action.VIEW_CHANGE, change.project_id,
                            requester_id=change.requester_id,
                            approver_ids=tuple(s.approver_id for s in steps))
    return change, steps


def current_step(change: ChangeRequest, steps: list[ApprovalStep]) -> ApprovalStep | None:
    if change.status != PENDING:
        return None
    return next((s for s in steps if s.status == PENDING), None)


async def decide(tx: Tx, person: Person, change_id: int, seq: int | None, approve: bool,
                 reason: str | None, now: datetime, origin: Origin) -> Decision:
    """`seq`: the step the button was drawn for (None from a typed command: the current one)."""
    change = await _locked(tx, change_id)
    steps = await tx.changes.steps(change.id)
    current = await _decidable_step(tx, person, change, steps, seq)
    reason = (reason or "").strip() or None
    if not approve and reason is None:
        raise InvalidInput("change.error.reject_reason", number=number(change.id))
    status = ApprovalStatus.APPROVED if approve else ApprovalStatus.REJECTED
    if not await tx.changes.settle_step(current.id, status, person.id, now, reason, origin.platform):
        raise InvalidTransition("change.error.step_decided", number=number(change.id))
    await tx.refresh(current)
    next_step = next((s for s in steps if s.seq > current.seq), None) if approve else None
    if next_step is not None:
        next_step.activated_at = now
    else:
        change.status, change.decided_at = status.value, now
    _audit(tx, change, person, f"change.{'approve' if approve else 'reject'}", now, origin,
           {"step": current.seq, "role": current.role, "decision": status.value, "reason": reason,
            "next_approver_id": next_step.approver_id if next_step else None})
    if approve and next_step is None:
        change.effect, change.applied_at = await apply_change(tx, change), now
        _audit(tx, change, person, "change.apply", now, origin, change.effect)
    await tx.flush()
    return Decision(change, current, next_step)


async def check_decision(tx: Tx, person: Person, change_id: int, seq: int | None) -> ApprovalStep:
    """Everything `decide` checks, deciding nothing (驳回 pressed: may this person reject?)."""
    change = await tx.changes.get(change_id)
    if change is None:
        raise NotFound("change.error.not_found", number=number(change_id))
    return await _decidable_step(tx, person, change, await tx.changes.steps(change.id), seq)


async def _decidable_step(tx: Tx, person: Person, change: ChangeRequest, steps: list[ApprovalStep],
                          seq: int | None) -> ApprovalStep:
    current = current_step(change, steps)
    clicked = next((s for s in steps if s.seq == seq), None) if seq is not None else current
    if clicked is None and seq is None and change.status != ApprovalStatus.WITHDRAWN:
        clicked = next((s for s in reversed(steps) if s.status != PENDING), None)  # typed again
    if clicked is not None and clicked.status != PENDING:
        raise _already_decided(change, clicked, person)
    _expect_pending(change)
    if current is None or clicked is not current:
        raise InvalidInput("error.stale_button")
    await require_on_change(tx, person, Action.DECIDE_CHANGE, change.project_id,
                            current_approver_id=current.approver_id)
    if not await holds_role(tx, person, change.project_id, Role(current.role)):
        raise InvalidTransition("change.error.approver_left", number=number(change.id),
                                role=current.role)
    return current


async def withdraw(tx: Tx, person: Person, change_id: int, now: datetime, origin: Origin) -> ChangeRequest:
    change = await _locked(tx, change_id)
    await require_on_change(tx, person, Action.WITHDRAW_CHANGE, change.project_id,
                            requester_id=change.requester_id)
    _expect_pending(change)
    change.status, change.decided_at = ApprovalStatus.WITHDRAWN.value, now
    _audit(tx, change, person, "change.withdraw", now, origin, {})
    await tx.flush()
    return change


async def _locked(tx: Tx, change_id: int) -> ChangeRequest:
    change = await tx.changes.lock(change_id)
    if change is None:
        raise NotFound("change.error.not_found", number=number(change_id))
    return change


def _expect_pending(change: ChangeRequest) -> None:
    if change.status != PENDING:
        raise InvalidTransition("change.error.closed", number=number(change.id), status=change.status)


def _already_decided(change: ChangeRequest, step: ApprovalStep, person: Person) -> InvalidTransition:
    if step.decided_by == person.id:
        return InvalidTransition("change.error.you_decided", number=number(change.id), status=step.status)
    return InvalidTransition("change.error.step_decided", number=number(change.id))


def _audit(tx: Tx, change: ChangeRequest, actor: Person | None, action: str, now: datetime,
           origin: Origin, data: dict[str, Any]) -> None:
    tx.audit.append(at=now, actor_id=actor.id if actor else None, platform=origin.platform,
                    action=action, subject_type="change", subject_id=number(change.id),
                    data={"project_id": change.project_id, **data}, message_ref=origin.message_ref)


def _money(amount: Decimal | None) -> str | None:
    return None if amount is None else str(amount)
