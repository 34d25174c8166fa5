"""What the payment scan owes people today, as claimable steps with stable keys:

- `pay-remind:{id}:{due}` — finance and the PM, `remind_days_before` days ahead;
- `due-set:{id}:{due}`   — a milestone-triggered payment got its due date;
- `dun:{id}:+{days}`     — the ladder step reached (only the highest: a payment found 40 days
  overdue for the first time gets the +30 step, not four cards at once).

The keys are claimed through the scheduler's exactly-once runs, so two processes or a re-run
never send a step twice. A settled milestone has no steps: the ladder stops with the payment.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from domain.enums import Role
from domain.finance.ledger import Receivable
from domain.finance.rules import DunningStep, FinanceRules
from domain.store.models import Person, Project
from domain.store.uow import Tx


@dataclass(frozen=True)
class Step:
    kind: str                    # remind | due_set | dun
    key: str
    receivable: Receivable
    ladder: DunningStep | None = None
    days: int = 0                # days overdue (negative: days until due)


def plan(rows: list[Receivable], today: date, rules: FinanceRules) -> list[Step]:
    steps: list[Step] = []
    for row in rows:
        milestone, due = row.milestone, row.due
        if row.settled or due is None or row.project.status == "closed":
            continue   # a closed project keeps its receivables but is not chased
        if milestone.trigger_milestone_id is not None and milestone.due_date != due:
            steps.append(Step("due_set", f"due-set:{milestone.id}:{due.isoformat()}", row))
        days = (today - due).days
        if -rules.remind_days_before <= days < 0:
            steps.append(Step("remind", f"pay-remind:{milestone.id}:{due.isoformat()}", row,
                              days=days))
        reached = rules.step_for(days)
        if reached is not None:
            steps.append(Step("dun", f"dun:{milestone.id}:{reached.label}", row, reached, days))
    return steps


def _add(out: dict[int, Person], people: list[Person | None]) -> None:
    for person in people:
        if person is not None and person.active:
            out.setdefault(person.id, person)


async def managers_of(tx: Tx, project: Project) -> list[Person]:
    return [p for p, r in await tx.projects.members(project.id) if r is Role.PROJECT_MANAGER]


async def internal_recipients(tx: Tx, project: Project, roles: tuple[Role, ...],
                              with_finance: bool = True) -> list[Person]:
    """Finance plus the escalation chain up to the step's level: the PM, the department head
    the PM reports to (else every org-wide dept head), the finance director."""
    out: dict[int, Person] = {}
    managers = await managers_of(tx, project)
    if with_finance:
        _add(out, await tx.finance.people_with_org_role(Role.FINANCE.value))
        _add(out, [p for p, r in await tx.projects.members(project.id) if r is Role.FINANCE])
    if Role.PROJECT_MANAGER in roles:
        _add(out, managers)
    if Role.DEPT_HEAD in roles:
        heads = [await tx.people.get(m.superior_id) for m in managers if m.superior_id]
        _add(out, heads or await tx.finance.people_with_org_role(Role.DEPT_HEAD.value))
    if Role.FINANCE_DIRECTOR in roles:
        _add(out, await tx.finance.people_with_org_role(Role.FINANCE_DIRECTOR.value))
    return list(out.values())


async def customer_people(tx: Tx, project: Project) -> list[Person]:
    """The paying customer's contacts who can be messaged (they have a person record)."""
    if project.customer_id is None:
        return []
    out: dict[int, Person] = {}
    for contact in await tx.customers.contacts_of(project.customer_id):
        if contact.person_id:
            _add(out, [await tx.people.get(contact.person_id)])
    return list(out.values())
