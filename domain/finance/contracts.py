"""Contracts and payment schedules as finance or the project manager types them: a contract
(number, value, signing day) and its payment milestones — an amount or a share of the value,
due on a day or a number of days after a project milestone is reached. Plain values in, so a
spreadsheet import uses the same checks; bad input raises InvalidInput and writes nothing."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from domain.access import SetupAction, require_on_setup
from domain.enums import PaymentKind
from domain.errors import InvalidInput, InvalidTransition
from domain.finance.money import CENT, format_money
from domain.progress.service import find_milestone
from domain.store.models import Contract, PaymentMilestone, Person, Project
from domain.store.repos.setup import setup_repo
from domain.store.uow import Tx

NUMBER_MAX = 50
NAME_MAX = 100
MAX_OFFSET_DAYS = 3650
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class NewContract:
    number: str
    value: Decimal | None = None       # None: the project's expected amount (from its opportunity)
    signed_on: date | None = None
    title: str | None = None


@dataclass(frozen=True)
class NewPayment:
    name: str
    kind: PaymentKind
    amount: Decimal | None = None      # exactly one of amount and percent
    percent: Decimal | None = None     # 30 for 30 % of the contract value
    due_date: date | None = None       # exactly one of due_date and trigger
    trigger: str | None = None         # the project milestone's name
    offset_days: int = 0               # days after the trigger is reached
    contract: str | None = None        # the contract's number, when the project has several


async def _may_manage(tx: Tx, actor: Person, project: Project) -> None:
    await require_on_setup(tx, actor, SetupAction.MANAGE_CONTRACT, project.id)
    if project.status == "closed":
        raise InvalidTransition("setup.closed", code=project.code)


async def set_contract(tx: Tx, actor: Person, project: Project, new: NewContract,
                       now: datetime) -> tuple[Contract, bool]:
    """Create the contract with this number, or update its value and signing day. Returns
    (contract, created). Shares of the value in its schedule follow a new value."""
    await _may_manage(tx, actor, project)
    number = new.number.strip()
    # A contract number has letters or digits ("HT-2026-001"); "合同，明天签" is chatter, not one.
    if (not number or len(number) > NUMBER_MAX or any(ch.isspace() for ch in number)
            or not any(ch.isascii() and ch.isalnum() for ch in number)):
        raise InvalidInput("setup.contract.bad_number", limit=NUMBER_MAX)
    repo = setup_repo(tx)
    contract = await repo.contract_by_number(number)
    if contract is not None and contract.project_id != project.id:
        other = await tx.projects.get(contract.project_id)
        raise InvalidInput("setup.contract.taken", number=number, code=other.code if other else "-")
    value = new.value if new.value is not None else (contract.value if contract else project.amount)
    if value is None:
        raise InvalidInput("setup.contract.no_value", code=project.code)
    if value <= 0 or value != value.quantize(CENT):
        raise InvalidInput("finance.money.not_positive", text=str(value))
    if contract is None:
        contract = Contract(project_id=project.id, number=number, value=value, signed_on=new.signed_on,
                            title=(new.title or "").strip()[:200] or project.name, created_at=now)
        tx.add(contract)
        await tx.flush()
        created, changed = True, {"value": str(value), "signed_on": _iso(new.signed_on)}
    else:
        created, changed = False, {}
        schedule = await repo.schedule(contract.id)
        await _revalue(repo, contract, schedule, value)
        if contract.value != value:
            changed["value"] = [str(contract.value), str(value)]
            contract.value = value
        if new.signed_on is not None and contract.signed_on != new.signed_on:
            changed["signed_on"] = [_iso(contract.signed_on), _iso(new.signed_on)]
            contract.signed_on = new.signed_on
        if new.title:
            contract.title = new.title.strip()[:200]
    tx.audit.append(at=now, actor_id=actor.id, platform=None,
                    action="contract.create" if created else "contract.edit", subject_type="project",
                    subject_id=project.code, data={"number": number, **changed})
    return contract, created


async def _revalue(repo, contract: Contract, schedule: list[PaymentMilestone],  # noqa: ANN001
                   value: Decimal) -> None:
    """Shares follow the new value while nothing is paid on them; the schedule may not end up
    above the contract."""
    total = Decimal(0)
    for milestone in schedule:
        if milestone.percent is not None and not await repo.payment_count(milestone.id):
            milestone.amount = share(value, milestone.percent)
        total += milestone.amount
    if total > value:
        raise InvalidInput("setup.pay.over_contract", total=format_money(total), value=format_money(value),
                           number=contract.number)


def share(value: Decimal, percent: Decimal) -> Decimal:
    return (value * percent / HUNDRED).quantize(CENT)


async def contract_of(tx: Tx, project: Project, number: str | None) -> Contract:
    contracts = await tx.finance.contracts_of(project.id)
    if number:
        found = next((c for c in contracts if c.number.lower() == number.strip().lower()), None)
        if found is None:
            raise InvalidInput("setup.pay.unknown_contract", number=number, code=project.code,
                               numbers=[c.number for c in contracts])
        return found
    if not contracts:
        raise InvalidInput("setup.pay.no_contract", code=project.code)
    if len(contracts) > 1:
        raise InvalidInput("setup.pay.which_contract", code=project.code,
                           numbers=[c.number for c in contracts])
    return contracts[0]


async def add_payment(tx: Tx, actor: Person, project: Project, new: NewPayment,
                      now: datetime) -> PaymentMilestone:
    await _may_manage(tx, actor, project)
    contract = await contract_of(tx, project, new.contract)
    name = new.name.strip()
    if not name or len(name) > NAME_MAX:
        raise InvalidInput("setup.pay.bad_name", limit=NAME_MAX)
    schedule = await setup_repo(tx).schedule(contract.id)
    if any(m.name == name for m in schedule):
        raise InvalidInput("setup.pay.exists", name=name, number=contract.number)
    if (new.amount is None) == (new.percent is None):
        raise InvalidInput("setup.pay.amount_or_percent")
    if new.percent is not None and not Decimal(0) < new.percent <= HUNDRED:
        raise InvalidInput("setup.pay.bad_percent", percent=f"{new.percent.normalize():f}")
    amount = share(contract.value, new.percent) if new.percent is not None else new.amount
    if amount is None or amount <= 0 or amount != amount.quantize(CENT):
        raise InvalidInput("finance.money.not_positive", text=str(amount))
    total = sum((m.amount for m in schedule), Decimal(0)) + amount
    if total > contract.value:
        raise InvalidInput("setup.pay.over_contract", total=format_money(total),
                           value=format_money(contract.value), number=contract.number)
    if (new.due_date is None) == (new.trigger is None):
        raise InvalidInput("setup.pay.due_or_trigger")
    if not 0 <= new.offset_days <= MAX_OFFSET_DAYS:
        raise InvalidInput("setup.pay.bad_offset", days=new.offset_days, limit=MAX_OFFSET_DAYS)
    trigger = await find_milestone(tx, project, new.trigger) if new.trigger else None
    due = new.due_date
    if trigger is not None and trigger.planned_end is not None:
        due = trigger.planned_end + timedelta(days=new.offset_days)   # the plan; reached decides
    milestone = PaymentMilestone(contract_id=contract.id, seq=max((m.seq for m in schedule), default=0) + 1,
                                 kind=new.kind.value, name=name, amount=amount, percent=new.percent,
                                 due_date=due, trigger_milestone_id=trigger.id if trigger else None,
                                 trigger_offset_days=new.offset_days if trigger else 0, status="pending")
    tx.add(milestone)
    await tx.flush()
    tx.audit.append(at=now, actor_id=actor.id, platform=None, action="payment_milestone.add",
                    subject_type="project", subject_id=project.code,
                    data={"contract": contract.number, "name": name, "amount": str(amount),
                          "percent": str(new.percent) if new.percent is not None else None,
                          "due": _iso(new.due_date), "trigger": trigger.name if trigger else None,
                          "offset_days": new.offset_days})
    return milestone


async def remove_payment(tx: Tx, actor: Person, project: Project, name: str, contract_number: str | None,
                         now: datetime) -> PaymentMilestone:
    """Only a payment milestone nothing was paid on."""
    await _may_manage(tx, actor, project)
    contract = await contract_of(tx, project, contract_number)
    repo = setup_repo(tx)
    schedule = await repo.schedule(contract.id)
    milestone = next((m for m in schedule if m.name == name.strip()), None)
    if milestone is None:
        raise InvalidInput("setup.pay.unknown", name=name, names="、".join(m.name for m in schedule) or "-")
    if await repo.payment_count(milestone.id):
        raise InvalidInput("setup.pay.has_payments", name=milestone.name)
    await tx.delete(milestone)
    tx.audit.append(at=now, actor_id=actor.id, platform=None, action="payment_milestone.remove",
                    subject_type="project", subject_id=project.code,
                    data={"contract": contract.number, "name": milestone.name})
    await tx.flush()
    return milestone


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None
