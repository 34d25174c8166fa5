"""Whose amounts a person may see. Finance, department heads and admins see every project;
a project manager or the project's own 财务 sees their projects; a customer contact only the projects they are on."""
from __future__ import annotations

from domain.access import Action, allowed, require
from domain.enums import Role
from domain.errors import NotAllowed
from domain.store.models import Person, Project
from domain.store.uow import Tx

_SEE_OWN = {Role.PROJECT_MANAGER, Role.FINANCE, Role.CUSTOMER_CONTACT}


async def receivable_scope(tx: Tx, person: Person, only: Project | None = None) -> list[int] | None:
    """Project ids the person may see receivables of (None: all). `only` narrows to one
    project — a customer group always asks for its own project only."""
    if only is not None:
        await require(tx, person, Action.VIEW_RECEIVABLES, project_id=only.id)
        return [only.id]
    if await allowed(tx, person, Action.VIEW_RECEIVABLES):  # org-wide finance roles, admins
        return None
    ids = sorted({p.id for p, r in await tx.projects.memberships_of(person.id) if r in _SEE_OWN})
    if not ids:
        raise NotAllowed()
    return ids
