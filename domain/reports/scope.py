"""Whose figures a person sees, fixed by their roles when they ask (or open the cockpit).

- admins and the head office — 部门主管, 总部客服, 财务, 财务总监, 总部工程总监 held company-wide —
  see every project and every area;
- 销售 (company-wide) sees the sales funnel, which is the company's;
- a project manager — or a 部门主管 / 财务 / 总部客服 given the role on a project — sees those
  projects' service, customers, delivery and money;
- a customer contact, and the site team, never see reports (无权限)."""
from __future__ import annotations

from dataclasses import dataclass, replace

from domain.enums import Role
from domain.errors import NotAllowed
from domain.store.models import Person, Project
from domain.store.uow import Tx

AREAS = ("service", "customers", "delivery", "money", "sales")
PROJECT_AREAS = frozenset(AREAS[:4])
_WHOLE_COMPANY = {Role.DEPT_HEAD.value, Role.HQ_SERVICE.value, Role.FINANCE.value,
                  Role.FINANCE_DIRECTOR.value, Role.HQ_ENGINEERING_DIRECTOR.value}
_PROJECT_ROLES = {Role.PROJECT_MANAGER, Role.DEPT_HEAD, Role.HQ_SERVICE, Role.FINANCE}


@dataclass(frozen=True)
class Scope:
    project_ids: frozenset[int] | None   # None: every project
    areas: frozenset[str]
    project: Project | None = None        # narrowed to one project (报表 P-001)

    @property
    def whole_company(self) -> bool:
        return self.project_ids is None

    def sees(self, area: str) -> bool:
        return area in self.areas


async def scope_of(tx: Tx, person: Person | None) -> Scope:
    """Raises NotAllowed for people who see no report."""
    if person is None or not person.active:
        raise NotAllowed()
    org = set(person.org_roles or ())
    if person.is_admin or org & _WHOLE_COMPANY:
        return Scope(None, frozenset(AREAS))
    projects = frozenset(p.id for p, role in await tx.projects.memberships_of(person.id)
                         if role in _PROJECT_ROLES)
    areas = set(PROJECT_AREAS if projects else ())
    if Role.SALES.value in org:
        areas.add("sales")
    if not areas:
        raise NotAllowed()
    return Scope(projects, frozenset(areas))


def narrowed(scope: Scope, project: Project) -> Scope:
    """The same person's scope on one project (the sales funnel is the company's, so it goes);
    NotAllowed when the project is not theirs."""
    if scope.project_ids is not None and project.id not in scope.project_ids:
        raise NotAllowed()
    areas = scope.areas & PROJECT_AREAS
    if not areas:
        raise NotAllowed()
    return replace(scope, project_ids=frozenset({project.id}), areas=areas, project=project)
