"""Checked records -> the database, through the same domain services chat uses (so a sheet
meets exactly the checks and permissions a typed command does).

`preview` runs the whole import inside a savepoint and undoes it: what it reports as created
or changed, and each row the services refuse, is exactly what `apply` would do at that moment.
`apply` runs it for real and, if any row is refused, undoes everything (ImportRefused): all
rows or none. Each row runs in a savepoint of its own, so one refused row does not hide the
problems of the rows after it. Applying the same sheet twice changes nothing the second time
(milestones are matched by name, contracts by number, payment milestones by name within the
contract, people by name or account)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from domain.access import Action, require
from domain.customers import io as customer_io
from domain.errors import DomainError, InvalidInput
from domain.finance.contracts import NewContract, NewPayment, add_payment, remove_payment, set_contract
from domain.imports.rows import ContractRow, Parsed, PersonRow, PlanRow
from domain.imports.workbook import Problem
from domain.org_roles import grant
from domain.people import add_member, ensure_person, project_by_code
from domain.progress.plan_edit import MilestoneEdit, NewMilestone, add_milestone, edit_milestone
from domain.store.models import Person, Project
from domain.store.repos.setup import setup_repo
from domain.store.uow import Tx


@dataclass(frozen=True)
class Change:
    row: int
    verb: str                       # create | change | same
    key: str                        # wording key: imports.change.<what>
    params: dict[str, Any] = field(default_factory=dict)


@dataclass
class Outcome:
    changes: list[Change] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def count(self, verb: str) -> int:
        return sum(1 for c in self.changes if c.verb == verb)


class ImportRefused(DomainError):
    key = "imports.refused"

    def __init__(self, outcome: Outcome) -> None:
        super().__init__(count=len(outcome.problems))
        self.outcome = outcome


class _Undo(Exception):
    def __init__(self, outcome: Outcome) -> None:
        self.outcome = outcome


@dataclass(frozen=True)
class Context:
    actor: Person | None            # None: the command line (who runs it owns the database)
    project: Project | None         # the project rows without a project code belong to
    now: datetime
    platform: str | None = None


async def preview(tx: Tx, parsed: Parsed, context: Context) -> Outcome:
    try:
        async with tx.savepoint():
            raise _Undo(await _run(tx, parsed, context))
    except _Undo as undone:
        outcome = undone.outcome
    for entity in (context.actor, context.project):   # read again what the undo expired
        if entity is not None:
            await tx.refresh(entity)
    return outcome


async def apply(tx: Tx, parsed: Parsed, context: Context, source: str) -> Outcome:
    """`source`: which file (its name or id), for the audit log."""
    async with tx.savepoint():
        outcome = await _run(tx, parsed, context)
        if outcome.problems:
            raise ImportRefused(outcome)
    tx.audit.append(at=context.now, actor_id=context.actor.id if context.actor else None,
                    platform=context.platform, action=f"import.{parsed.kind.name}",
                    subject_type="import", subject_id=source[:50],
                    data={v: outcome.count(v) for v in ("create", "change", "same")})
    return outcome


async def _run(tx: Tx, parsed: Parsed, context: Context) -> Outcome:
    outcome = Outcome(problems=list(parsed.problems))
    if parsed.kind.name == "customers":
        await _customers(tx, parsed.records, context, outcome)
        return outcome
    step = {"plan": _plan, "contract": _contract, "people": _person}[parsed.kind.name]
    for record in parsed.records:
        try:
            async with tx.savepoint():
                outcome.changes.extend(await step(tx, record, context))
        except DomainError as error:
            outcome.problems.append(Problem(record.row, error.key, error.params))
    outcome.problems.sort(key=lambda p: p.row)
    return outcome


async def _project(tx: Tx, code: str | None, context: Context) -> Project:
    if code:
        return await project_by_code(tx, code)
    if context.project is None:
        raise InvalidInput("imports.row.no_project")
    return context.project


def _actor(context: Context) -> Person:
    if context.actor is None:
        raise InvalidInput("imports.row.no_actor")
    return context.actor


async def _plan(tx: Tx, row: PlanRow, context: Context) -> list[Change]:
    project = await _project(tx, row.project, context)
    milestones = await tx.projects.milestones(project.id)
    found = next((m for m in milestones if m.name.lower() == row.name.lower()), None)
    params = {"project": project.code, "name": row.name}
    if found is None:
        await add_milestone(tx, _actor(context), project, NewMilestone(
            row.name, row.end, row.weight or 0, row.start), context.now)
        return [Change(row.row, "create", "imports.change.milestone_new", {
            **params, "end": _day(row.end), "weight": row.weight or 0})]
    edit = MilestoneEdit(planned_start=row.start, planned_end=row.end, weight=row.weight)
    if not edit.given():
        return [Change(row.row, "same", "imports.change.same", params)]
    changed = await edit_milestone(tx, _actor(context), project, found, edit, context.now)
    if not changed:
        return [Change(row.row, "same", "imports.change.same", params)]
    return [Change(row.row, "change", "imports.change.milestone_edit",
                   {**params, "fields": _fields(changed)})]


async def _contract(tx: Tx, row: ContractRow, context: Context) -> list[Change]:
    project = await _project(tx, row.project, context)
    repo = setup_repo(tx)
    before = await repo.contract_by_number(row.number)
    old = (before.value, before.signed_on) if before is not None else None
    changes = []
    if before is None or row.value is not None or row.signed is not None:
        contract, created = await set_contract(tx, _actor(context), project,
                                               NewContract(row.number, row.value, row.signed), context.now)
        params = {"project": project.code, "number": row.number, "value": f"{contract.value:,.2f}"}
        if created:
            changes.append(Change(row.row, "create", "imports.change.contract_new", params))
        elif old != (contract.value, contract.signed_on):
            changes.append(Change(row.row, "change", "imports.change.contract_edit", params))
    if row.payment is not None:
        changes.append(await _payment(tx, row, project, context))
    return changes or [Change(row.row, "same", "imports.change.same",
                              {"project": project.code, "name": row.number})]


async def _payment(tx: Tx, row: ContractRow, project: Project, context: Context) -> Change:
    pay = row.payment
    repo = setup_repo(tx)
    contract = await repo.contract_by_number(row.number)
    existing = next((m for m in await repo.schedule(contract.id) if m.name == pay.name), None)
    new = NewPayment(pay.name, pay.kind, pay.amount, pay.percent, pay.due, pay.trigger, pay.offset,
                     contract=row.number)
    params = {"project": project.code, "number": row.number, "name": pay.name,
              "share": f"{pay.percent.normalize():f}%" if pay.percent is not None else f"{pay.amount:,.2f}"}
    verb = "create"
    if existing is not None:
        trigger = await repo.milestone(existing.trigger_milestone_id) if existing.trigger_milestone_id else None
        same_due = (pay.trigger is not None and trigger is not None and trigger.name == pay.trigger
                    and existing.trigger_offset_days == pay.offset) or (
                    pay.due is not None and trigger is None and existing.due_date == pay.due)
        same_share = (existing.percent == pay.percent if pay.percent is not None
                      else existing.percent is None and existing.amount == pay.amount)
        if same_due and same_share:
            return Change(row.row, "same", "imports.change.same", {**params, "name": pay.name})
        if await repo.payment_count(existing.id):
            raise InvalidInput("setup.pay.has_payments", name=pay.name)
        await remove_payment(tx, _actor(context), project, pay.name, row.number, context.now)
        verb = "change"
    await add_payment(tx, _actor(context), project, new, context.now)
    return Change(row.row, verb, f"imports.change.payment_{'new' if verb == 'create' else 'edit'}", params)


async def _person(tx: Tx, row: PersonRow, context: Context) -> list[Change]:
    person = await _find_person(tx, row, context)
    params = {"name": person.name, "role": row.role.value}
    if row.project == "*":
        done = await grant(tx, context.actor, person, row.role, context.now, context.platform)
        return [Change(row.row, "create" if done else "same",
                       "imports.change.org_role" if done else "imports.change.same", params)]
    project = await _project(tx, row.project, context)
    done = await add_member(tx, _actor(context), project, person, row.role, context.now, context.platform)
    params["project"] = project.code
    return [Change(row.row, "create" if done else "same",
                   "imports.change.member" if done else "imports.change.same", params)]


async def _find_person(tx: Tx, row: PersonRow, context: Context) -> Person:
    if row.account:
        platform, _, user = row.account.partition(":")
        # Someone not met yet is created here; if the row is then refused (no right to add
        # members), its savepoint takes the new person away again.
        return await ensure_person(tx, platform, user, row.name, context.now)
    matches = [p for p in await tx.people.by_name(row.name) if p.active]
    if not matches:
        raise InvalidInput("imports.row.unknown_person", name=row.name)
    if len(matches) > 1:
        raise InvalidInput("imports.row.ambiguous_person", name=row.name, count=len(matches))
    return matches[0]


async def _customers(tx: Tx, records: list[customer_io.CustomerRecord], context: Context,
                     outcome: Outcome) -> None:
    if context.actor is not None:
        await require(tx, context.actor, Action.MANAGE_CUSTOMERS)
    for record in records:
        known = await tx.customers.by_name(record.name)
        outcome.changes.append(Change(record.first_row, "change" if known else "create",
                                      "imports.change.customer_edit" if known else "imports.change.customer_new",
                                      {"name": record.name, "contacts": len(record.contacts)}))
    if records and not outcome.problems:
        await customer_io.import_records(tx, records, context.now)


def _day(value: Any) -> str:
    return value.isoformat() if value else "-"


def _fields(changed: dict[str, Any]) -> list[list[Any]]:
    return [[name, old if old is not None else "-", new if new is not None else "-"]
            for name, (old, new) in changed.items()]
