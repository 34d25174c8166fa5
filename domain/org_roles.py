"""Organisation-wide roles (财务, 部门主管, 总部客服 …) and where each role acts.

A role is held either org-wide (`Person.org_roles`) or on one project (`project_members`).
Some act in only one of those places — a 施工员 works on a project, a 销售 owns customers
company-wide — so giving a role where it can do nothing is refused when it is given, with
the reason, instead of leaving someone who later meets 无权限. `WHERE_ROLES_ACT` is the one
table of that (docs/admin.md shows it)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.access import SetupAction, require_on_setup
from domain.enums import Role
from domain.errors import InvalidInput
from domain.store.models import Person
from domain.store.uow import Tx

# role -> (acts org-wide, acts on a project it is given on)
WHERE_ROLES_ACT: dict[Role, tuple[bool, bool]] = {
    Role.FOREMAN: (False, True),
    Role.ENGINEER: (False, True),
    Role.QUALITY_OFFICER: (False, True),
    Role.SAFETY_OFFICER: (False, True),
    Role.PROJECT_MANAGER: (False, True),
    Role.CUSTOMER_CONTACT: (False, True),
    Role.SUPERVISOR: (False, True),
    Role.FINANCE: (True, True),            # org: every project's money; project: that one's
    Role.DEPT_HEAD: (True, True),          # org: every project; project: its tickets, approvals
    Role.HQ_SERVICE: (True, True),         # org: every project's escalated tickets
    Role.HQ_ENGINEERING_DIRECTOR: (True, True),   # approves large changes
    Role.SALES: (True, False),             # customers and opportunities are company-wide
    Role.FINANCE_DIRECTOR: (True, False),  # the top of the dunning ladder, company-wide
}

ORG_ROLES = tuple(role for role, (org, _) in WHERE_ROLES_ACT.items() if org)


def check_org_role(role: Role) -> None:
    """Refuse an org-wide grant of a role that only acts on a project."""
    if not WHERE_ROLES_ACT[role][0]:
        raise InvalidInput("roles.project_only", role=role.value)


def check_project_role(role: Role) -> None:
    """Refuse a project grant of a role that only acts company-wide."""
    if not WHERE_ROLES_ACT[role][1]:
        raise InvalidInput("roles.org_only", role=role.value)


async def grant(tx: Tx, actor: Person | None, person: Person, role: Role, now: datetime,
                platform: str | None) -> bool:
    """Give `person` the org-wide role; False when they hold it already. `actor` None: the
    command line (whoever runs it can already change the database)."""
    if actor is not None:
        await require_on_setup(tx, actor, SetupAction.GRANT_ORG_ROLE)
    check_org_role(role)
    held = list(person.org_roles or ())
    if role.value in held:
        return False
    person.org_roles = [*held, role.value]   # a new list, so the JSON column is written
    tx.audit.append(at=now, actor_id=actor.id if actor else None, platform=platform,
                    action="org_role.grant", subject_type="person", subject_id=person.id,
                    data={"name": person.name, "role": role.value})
    return True


async def revoke(tx: Tx, actor: Person | None, person: Person, role: Role, now: datetime,
                 platform: str | None) -> bool:
    """Take the org-wide role away; False when they did not hold it."""
    if actor is not None:
        await require_on_setup(tx, actor, SetupAction.GRANT_ORG_ROLE)
    held = list(person.org_roles or ())
    if role.value not in held:
        return False
    person.org_roles = [r for r in held if r != role.value]
    tx.audit.append(at=now, actor_id=actor.id if actor else None, platform=platform,
                    action="org_role.revoke", subject_type="person", subject_id=person.id,
                    data={"name": person.name, "role": role.value})
    return True


@dataclass(frozen=True)
class Holders:
    role: Role
    people: list[Person]


async def holders(tx: Tx, actor: Person | None) -> list[Holders]:
    """Every org-wide role with who holds it (empty roles too: they show what is missing)."""
    if actor is not None:
        await require_on_setup(tx, actor, SetupAction.VIEW_ORG_ROLES)
    return [Holders(role, await tx.finance.people_with_org_role(role.value)) for role in ORG_ROLES]
