"""What the database holds, in the shape of the import sheets (schema.py), so an export can be
edited and imported back: one project's plan, contracts with their payment schedules, the
people with their roles (one project's, or every project's and the org-wide ones), customers."""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from domain.customers import io as customer_io
from domain.enums import Role
from domain.org_roles import ORG_ROLES
from domain.store.models import Project
from domain.store.repos.setup import setup_repo
from domain.store.uow import Tx

# How a role is written in the 人员 sheet (each reads back through the chat's role words).
ROLE_LABELS = {Role.FOREMAN: "施工员", Role.ENGINEER: "工程师", Role.QUALITY_OFFICER: "质检员",
               Role.SAFETY_OFFICER: "安全员", Role.PROJECT_MANAGER: "项目经理", Role.DEPT_HEAD: "部门主管",
               Role.HQ_SERVICE: "总部客服", Role.FINANCE: "财务", Role.SALES: "销售",
               Role.CUSTOMER_CONTACT: "业主", Role.SUPERVISOR: "监理", Role.HQ_ENGINEERING_DIRECTOR: "总部工程总监",
               Role.FINANCE_DIRECTOR: "财务总监"}


async def export_rows(tx: Tx, kind: str, projects: list[Project], *, org_roles: bool = False) -> list[list[Any]]:
    """Data rows (no header) for `projects` (plan, contract, people) or every customer;
    `org_roles`: the people sheet also lists who holds which org-wide role."""
    if kind == "customers":
        return (await customer_io.export_rows(tx))[1:]
    rows: list[list[Any]] = []
    for project in projects:
        rows += await {"plan": _plan, "contract": _contracts, "people": _people}[kind](tx, project)
    if kind == "people" and org_roles:
        rows += await _org_roles(tx)
    return rows


async def _plan(tx: Tx, project: Project) -> list[list[Any]]:
    return [[project.code, m.name, _day(m.planned_start), _day(m.planned_end), m.weight]
            for m in await tx.projects.milestones(project.id)]


async def _contracts(tx: Tx, project: Project) -> list[list[Any]]:
    repo, rows = setup_repo(tx), []
    for contract in await tx.finance.contracts_of(project.id):
        head = [project.code, contract.number, _money(contract.value), _day(contract.signed_on)]
        schedule = await repo.schedule(contract.id)
        if not schedule:
            rows.append(head + ["", "", "", "", ""])
        for index, pay in enumerate(schedule):
            trigger = await repo.milestone(pay.trigger_milestone_id) if pay.trigger_milestone_id else None
            share = f"{pay.percent.normalize():f}%" if pay.percent is not None else _money(pay.amount)
            rows.append((head if index == 0 else [project.code, contract.number, "", ""]) + [
                pay.name, share, "" if trigger else _day(pay.due_date),
                trigger.name if trigger else "", pay.trigger_offset_days if trigger else ""])
    return rows


async def _people(tx: Tx, project: Project) -> list[list[Any]]:
    return [[person.name, ROLE_LABELS[role], project.code, ""]
            for person, role in await tx.projects.members(project.id)]


async def _org_roles(tx: Tx) -> list[list[Any]]:
    rows = []
    for role in ORG_ROLES:
        for person in await tx.finance.people_with_org_role(role.value):
            rows.append([person.name, ROLE_LABELS[role], "全公司", ""])
    return rows


def _day(value: Any) -> str:
    return value.isoformat() if value else ""


def _money(value: Decimal | None) -> str:
    return "" if value is None else f"{value:.2f}"
