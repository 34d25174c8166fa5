"""Projects: create (admins, department heads), look up, edit (also the project's manager).
Every function takes plain values (names, dates, a Person) so chat, the command line and a
spreadsheet import share the same checks; bad input raises InvalidInput and writes nothing."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from domain.access import SetupAction, require_on_setup
from domain.enums import Role
from domain.errors import InvalidInput, NotFound
from domain.store.models import Customer, Person, Project, ProjectMember
from domain.store.repos.setup import setup_repo
from domain.store.uow import Tx

NAME_MAX = 200
ADDRESS_MAX = 300


@dataclass(frozen=True)
class NewProject:
    name: str
    customer: str | None = None       # the customer's name (exact, or the one name containing it)
    manager: Person | None = None
    start: date | None = None
    end: date | None = None
    address: str | None = None
    amount: Decimal | None = None     # expected contract value (a won opportunity's amount)
    owner: Person | None = None       # who brought it in (the opportunity's owner)


def check_name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > NAME_MAX:
        raise InvalidInput("setup.project.bad_name", limit=NAME_MAX)
    return name


def check_dates(start: date | None, end: date | None) -> None:
    if start is not None and end is not None and end < start:
        raise InvalidInput("setup.end_before_start", start=start.isoformat(), end=end.isoformat())


async def customer_named(tx: Tx, name: str) -> Customer:
    """The customer with this name, or the one whose name contains it (星河置业 → 星河置业有限公司)."""
    exact = await tx.customers.by_name(name.strip())
    if exact is not None:
        return exact
    found = await tx.customers.search(name.strip())
    if len(found) == 1:
        return found[0]
    import difflib   # here, not at start-up (~20 ms): only for a name not found
    names = [c.name for c in found] or difflib.get_close_matches(
        name, [c.name for c in await tx.customers.all()], n=3, cutoff=0.3)
    raise NotFound("setup.unknown_customer", name=name.strip(), suggestions="、".join(names))


async def next_code(tx: Tx) -> str:
    numbers = [int(c[2:]) for c in await setup_repo(tx).project_codes() if c[2:].isdigit()]
    return f"P-{max(numbers, default=0) + 1:03d}"


async def create_project(tx: Tx, actor: Person, new: NewProject, now: datetime) -> Project:
    await require_on_setup(tx, actor, SetupAction.CREATE_PROJECT)
    name = check_name(new.name)
    check_dates(new.start, new.end)
    if new.address is not None and len(new.address) > ADDRESS_MAX:
        raise InvalidInput("setup.project.bad_address", limit=ADDRESS_MAX)
    customer = await customer_named(tx, new.customer) if new.customer else None
    project = Project(code=await next_code(tx), name=name, customer_id=customer.id if customer else None,
                      status="active", address=new.address, start_date=new.start,
                      planned_end_date=new.end, assignment_rules={}, calendar={}, created_at=now,
                      amount=new.amount, owner_id=new.owner.id if new.owner else None)
    tx.add(project)
    await tx.flush()
    if new.manager is not None:
        _member(tx, project, new.manager, Role.PROJECT_MANAGER, now)
    tx.audit.append(at=now, actor_id=actor.id, platform=None, action="project.create",
                    subject_type="project", subject_id=project.code,
                    data={"name": name, "customer": customer.name if customer else None,
                          "manager": new.manager.name if new.manager else None,
                          "start": _iso(new.start), "end": _iso(new.end)})
    return project


def _member(tx: Tx, project: Project, person: Person, role: Role, now: datetime) -> None:
    tx.add(ProjectMember(project_id=project.id, person_id=person.id, role=role.value, created_at=now))


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


async def managers(tx: Tx, project: Project) -> list[Person]:
    return [p for p, r in await tx.projects.members(project.id) if r is Role.PROJECT_MANAGER]


async def set_manager(tx: Tx, actor: Person, project: Project, person: Person, now: datetime) -> None:
    """The project has one manager: the new one replaces whoever it was."""
    await require_on_setup(tx, actor, SetupAction.CREATE_PROJECT)
    before = await managers(tx, project)
    for old in before:
        if old.id != person.id:
            membership = await tx.projects.membership(project.id, old.id, Role.PROJECT_MANAGER)
            await tx.delete(membership)
    if all(old.id != person.id for old in before):
        _member(tx, project, person, Role.PROJECT_MANAGER, now)
    await tx.flush()
    tx.audit.append(at=now, actor_id=actor.id, platform=None, action="project.manager",
                    subject_type="project", subject_id=project.code,
                    data={"from": [p.name for p in before], "to": person.name})
