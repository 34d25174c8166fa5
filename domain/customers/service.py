"""Customer use cases: create, look up, add a contact; opportunities through the funnel, and a
won opportunity becoming a project."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from domain.access import Action, require
from domain.customers.funnel import OPEN_STAGES, PROBABILITY, Stage, next_stage
from domain.enums import CustomerType
from domain.errors import InvalidInput, InvalidTransition, NotFound
from domain.store.models import Contact, Customer, Opportunity, Person, Project
from domain.store.uow import Tx

GRADES = ("A", "B", "C")
NAME_MAX = 200


@dataclass(frozen=True)
class NewCustomer:
    name: str
    type: CustomerType
    grade: str = "B"
    tags: tuple[str, ...] = ()
    budget_min: Decimal | None = None
    budget_max: Decimal | None = None
    notes: str | None = None


def check_customer(new: NewCustomer) -> None:
    """Rules a new customer must meet, whether typed in chat or imported from a file."""
    if not new.name.strip() or len(new.name) > NAME_MAX:
        raise InvalidInput("customer.bad_name")
    if new.grade not in GRADES:
        raise InvalidInput("customer.bad_grade", grade=new.grade)
    if new.budget_min is not None and new.budget_max is not None and new.budget_min > new.budget_max:
        raise InvalidInput("customer.bad_budget")


async def create_customer(tx: Tx, actor: Person, new: NewCustomer, now: datetime) -> Customer:
    await require(tx, actor, Action.MANAGE_CUSTOMERS)
    check_customer(new)
    if await tx.customers.by_name(new.name) is not None:
        raise InvalidInput("customer.exists", name=new.name)
    customer = Customer(name=new.name, type=new.type.value, grade=new.grade, tags=list(new.tags),
                        budget_min=new.budget_min, budget_max=new.budget_max, notes=new.notes,
                        created_at=now)
    tx.add(customer)
    await tx.flush()
    tx.audit.append(at=now, actor_id=actor.id, platform=None, action="customer.create",
                    subject_type="customer", subject_id=customer.id, data={"name": new.name})
    return customer


async def require_view(tx: Tx, actor: Person) -> None:
    await require(tx, actor, Action.VIEW_CUSTOMER)


async def find_customer(tx: Tx, actor: Person, text: str) -> list[Customer]:
    """Exact name first, else every customer whose name contains the text."""
    await require(tx, actor, Action.VIEW_CUSTOMER)
    exact = await tx.customers.by_name(text)
    if exact is not None:
        return [exact]
    found = await tx.customers.search(text)
    if not found:
        raise NotFound("customer.not_found", name=text)
    return found


async def add_contact(tx: Tx, actor: Person, customer: Customer, name: str, phone: str | None,
                      title: str | None, now: datetime) -> Contact:
    await require(tx, actor, Action.MANAGE_CUSTOMERS)
    if not name.strip() or len(name) > 100:
        raise InvalidInput("customer.bad_contact")
    contact = Contact(customer_id=customer.id, name=name.strip(), phone=phone, title=title,
                      wants_digest=False)
    tx.add(contact)
    tx.audit.append(at=now, actor_id=actor.id, platform=None, action="customer.contact",
                    subject_type="customer", subject_id=customer.id, data={"name": name})
    return contact


async def open_opportunity(tx: Tx, actor: Person, customer: Customer, title: str,
                           amount: Decimal | None, follow_up: date | None,
                           now: datetime) -> Opportunity:
    await require(tx, actor, Action.MANAGE_CUSTOMERS)
    if not title.strip():
        raise InvalidInput("opportunity.usage")
    opportunity = Opportunity(customer_id=customer.id, title=title.strip()[:200],
                              stage=Stage.CONTACT.value, amount=amount,
                              probability=PROBABILITY[Stage.CONTACT], owner_id=actor.id,
                              next_follow_up=follow_up, created_at=now)
    tx.add(opportunity)
    await tx.flush()
    return opportunity


async def _opportunity(tx: Tx, actor: Person, opportunity_id: int) -> Opportunity:
    opportunity = await tx.customers.opportunity(opportunity_id)
    if opportunity is None:
        raise NotFound("opportunity.not_found", number=opportunity_id)
    await require(tx, actor, Action.MANAGE_OPPORTUNITY, owner_id=opportunity.owner_id)
    return opportunity


async def move(tx: Tx, actor: Person, opportunity_id: int, to: str, now: datetime) -> Opportunity:
    """to: "next", "won" or "lost". Won and lost close the opportunity."""
    opportunity = await _opportunity(tx, actor, opportunity_id)
    stage = Stage(opportunity.stage)
    if stage not in OPEN_STAGES:
        raise InvalidTransition("opportunity.closed", number=opportunity.id)
    target = next_stage(stage) if to == "next" else Stage(to)
    if target is None:
        raise InvalidTransition("opportunity.last_open_stage")
    opportunity.stage, opportunity.probability = target.value, PROBABILITY[target]
    if target in (Stage.WON, Stage.LOST):
        opportunity.closed_at, opportunity.next_follow_up = now, None
    tx.audit.append(at=now, actor_id=actor.id, platform=None, action="opportunity.move",
                    subject_type="opportunity", subject_id=opportunity.id,
                    data={"from": stage.value, "to": target.value})
    return opportunity


async def to_project(tx: Tx, actor: Person, opportunity_id: int, now: datetime) -> Project:
    """A won opportunity becomes a project with the next free code (P-004 …)."""
    opportunity = await _opportunity(tx, actor, opportunity_id)
    if opportunity.stage != Stage.WON.value:
        raise InvalidTransition("opportunity.not_won")
    if opportunity.project_id is not None:
        return await tx.projects.get(opportunity.project_id)
    numbers = [int(p.code[2:]) for p in await tx.projects.all() if p.code[2:].isdigit()]
    # Its customer, amount (the contract's until one is typed) and owner come along; the
    # project card asks for the rest (manager, dates, plan, contract, groups).
    project = Project(code=f"P-{max(numbers, default=0) + 1:03d}", name=opportunity.title,
                      customer_id=opportunity.customer_id, assignment_rules={}, calendar={},
                      created_at=now, amount=opportunity.amount, owner_id=opportunity.owner_id)
    tx.add(project)
    await tx.flush()
    opportunity.project_id = project.id
    tx.audit.append(at=now, actor_id=actor.id, platform=None, action="opportunity.to_project",
                    subject_type="opportunity", subject_id=opportunity.id,
                    data={"project": project.code})
    return project
