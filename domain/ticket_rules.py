"""Who may act on a ticket, written once as data: domain/access.py checks a person against
these clauses, and the same clauses name the people who may when someone is refused
("只有负责人 赵质检 或 项目经理 陈经理 可以接单", issue 16)."""
from __future__ import annotations

from enum import StrEnum

from domain.enums import MANAGER_ROLES, Role
from domain.store.models import Person, Ticket
from domain.store.uow import Tx

# Org-wide roles that act on every project's tickets.
ORG_TICKET_ROLES = (Role.DEPT_HEAD.value, Role.HQ_SERVICE.value)


class Who(StrEnum):
    ASSIGNEE = "assignee"      # 负责人
    REPORTER = "reporter"      # 报告人
    CONFIRMER = "confirmer"    # 确认人
    MANAGERS = "managers"      # the project's managers and the org-wide ticket roles
    ESCALATED = "escalated"    # the roles of the levels the ticket was escalated to


# action value -> who may do it (any clause is enough). Admins may do all but RATE.
TICKET_RULES: dict[str, tuple[Who, ...]] = {
    "ticket.accept": (Who.ASSIGNEE,),
    "ticket.reassign": (Who.ASSIGNEE, Who.MANAGERS),
    "ticket.resolve": (Who.ASSIGNEE, Who.MANAGERS),
    "ticket.edit": (Who.REPORTER, Who.MANAGERS),
    "ticket.attach": (Who.REPORTER, Who.ASSIGNEE),
    "ticket.pause": (Who.ASSIGNEE, Who.MANAGERS),
    "ticket.confirm": (Who.REPORTER, Who.CONFIRMER),
    "ticket.take_over": (Who.ESCALATED,),
    "ticket.share": (Who.MANAGERS,),
}

_PERSON_OF = {Who.ASSIGNEE: "assignee_id", Who.REPORTER: "reporter_id", Who.CONFIRMER: "confirmer_id"}


async def holds(tx: Tx, person: Person, action: str, ticket: Ticket,
                escalation_roles: frozenset[str]) -> bool:
    roles = await tx.projects.roles_of(person.id, ticket.project_id)
    org = set(person.org_roles or ())
    for who in TICKET_RULES[action]:
        if who in _PERSON_OF and getattr(ticket, _PERSON_OF[who]) == person.id:
            return True
        if who is Who.MANAGERS and (roles & MANAGER_ROLES or org & set(ORG_TICKET_ROLES)):
            return True
        if who is Who.ESCALATED and ({r.value for r in roles} | org) & escalation_roles:
            return True
    return False


async def who_may(tx: Tx, action: str, ticket: Ticket,
                  escalation_roles: frozenset[str]) -> list[tuple[str, str | None]]:
    """(role word key, name or None) for each person or role the clauses let act, in the
    clauses' order, each person once: [("assignee", "赵质检"), ("project_manager", "陈经理"),
    ("dept_head", None)]. Role word keys are Who values or Role values."""
    out: list[tuple[str, str | None]] = []
    seen: set[int] = set()

    def add(key: str, person: Person | None) -> None:
        if person is None:
            if (key, None) not in out:
                out.append((key, None))
        elif person.id not in seen and person.active:
            seen.add(person.id)
            out.append((key, person.name))

    members: list[tuple[Person, Role]] | None = None
    for who in TICKET_RULES[action]:
        if who in _PERSON_OF:
            person_id = getattr(ticket, _PERSON_OF[who])
            if person_id is not None:
                add(who.value, await tx.people.get(person_id))
            continue
        wanted = (set(MANAGER_ROLES) | set(ORG_TICKET_ROLES) if who is Who.MANAGERS
                  else set(escalation_roles))
        members = members if members is not None else await tx.projects.members(ticket.project_id)
        for person, role in members:
            if role in wanted or role.value in wanted:
                add(role.value, person)
        named = {key for key, name in out if name}
        for role_value in sorted(r.value if isinstance(r, Role) else r for r in wanted):
            if role_value not in named and (who is Who.ESCALATED or role_value in ORG_TICKET_ROLES):
                add(role_value, None)
    return out
