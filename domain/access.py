"""The one place that answers "may this person do this here?". Every service asks it."""
from __future__ import annotations

from enum import StrEnum

from domain.enums import CUSTOMER_SIDE, Role
from domain.errors import NotAllowed
from domain.store.models import Person, Ticket
from domain.store.uow import Tx
from domain.ticket_rules import ORG_TICKET_ROLES, TICKET_RULES, holds, who_may

_ORG_TICKET_ROLES = set(ORG_TICKET_ROLES)


class Action(StrEnum):
    REPORT_TICKET = "ticket.report"
    VIEW_TICKET = "ticket.view"
    ACCEPT_TICKET = "ticket.accept"
    REASSIGN_TICKET = "ticket.reassign"
    RESOLVE_TICKET = "ticket.resolve"
    EDIT_TICKET = "ticket.edit"            # correct category / severity
    PAUSE_TICKET = "ticket.pause"          # waiting on the customer or on material
    CONFIRM_TICKET = "ticket.confirm"      # 确认解决 / 未解决
    TAKE_OVER_TICKET = "ticket.take_over"  # 接管 after an escalation
    SHARE_TICKET = "ticket.share"          # 共享 / 取消共享 with the customer
    ATTACH_TICKET = "ticket.attach"
    RATE_TICKET = "ticket.rate"
    VIEW_OVERDUE = "ticket.overdue"
    MANAGE_MEMBERS = "project.members"
    BIND_CHAT = "project.bind"
    RAISE_CHANGE = "change.raise"
    VIEW_CHANGE = "change.view"
    DECIDE_CHANGE = "change.decide"
    WITHDRAW_CHANGE = "change.withdraw"
    RECORD_PAYMENT = "payment.record"
    VIEW_RECEIVABLES = "payment.view"
    VIEW_CUSTOMER = "customer.view"
    MANAGE_CUSTOMERS = "customer.manage"
    MANAGE_OPPORTUNITY = "opportunity.manage"
    VIEW_PROGRESS = "progress.view"
    UPDATE_PROGRESS = "progress.update"    # 进度 / 完成
    WRITE_LOG = "progress.log"             # 日志


# Org-wide roles that see every project's money (issue 9).
_ORG_FINANCE_ROLES = {Role.FINANCE.value, Role.FINANCE_DIRECTOR.value, Role.DEPT_HEAD.value}
_ORG_CUSTOMER_ROLES = {Role.SALES.value, Role.DEPT_HEAD.value, Role.FINANCE.value,
                       Role.FINANCE_DIRECTOR.value, Role.HQ_SERVICE.value}


async def allowed(tx: Tx, person: Person, action: Action, *, project_id: int | None = None,
                  ticket: Ticket | None = None, owner_id: int | None = None,
                  escalation_roles: frozenset[str] = frozenset()) -> bool:
    if not person.active:
        return False
    if action is Action.RATE_TICKET:   # the satisfaction answer is the respondent's own
        return owner_id is not None and owner_id == person.id
    if person.is_admin:
        return True
    if action.value in TICKET_RULES:   # who may is data there, so a refusal can name them
        return ticket is not None and await holds(tx, person, action.value, ticket, escalation_roles)
    if action is Action.VIEW_OVERDUE:
        managed = any(r is Role.PROJECT_MANAGER for _, r in await tx.projects.memberships_of(person.id))
        return managed or bool(set(person.org_roles or ()) & _ORG_TICKET_ROLES)
    if action.value.split(".")[0] in ("payment", "customer", "opportunity"):
        return await _money_and_customers(tx, person, action, project_id, owner_id)
    if ticket is not None:
        project_id = ticket.project_id
    roles = await tx.projects.roles_of(person.id, project_id) if project_id is not None else set()
    org = set(person.org_roles or ())
    if action is Action.REPORT_TICKET:
        return bool(roles) or bool(org & _ORG_TICKET_ROLES)
    if action is Action.VIEW_TICKET:
        return bool(roles) or bool(org & _ORG_TICKET_ROLES)
    if action in (Action.MANAGE_MEMBERS, Action.BIND_CHAT):
        return Role.PROJECT_MANAGER in roles
    return False


async def _money_and_customers(tx: Tx, person: Person, action: Action, project_id: int | None,
                              owner_id: int | None) -> bool:
    """Only finance and managers record payments; a customer contact sees only the amounts of
    projects they are a contact on (callers show them the customer view)."""
    org = set(person.org_roles or ())
    roles = await tx.projects.roles_of(person.id, project_id) if project_id is not None else set()
    # A project's own 财务 member records and sees that project's payments (issue 14).
    if action is Action.RECORD_PAYMENT:
        return bool(org & _ORG_FINANCE_ROLES) or bool(roles & {Role.PROJECT_MANAGER, Role.FINANCE})
    if action is Action.VIEW_RECEIVABLES:
        return (bool(org & _ORG_FINANCE_ROLES)
                or bool(roles & {Role.PROJECT_MANAGER, Role.FINANCE, Role.CUSTOMER_CONTACT}))
    if action is Action.VIEW_CUSTOMER:
        managed = any(r is Role.PROJECT_MANAGER for _, r in await tx.projects.memberships_of(person.id))
        return bool(org & _ORG_CUSTOMER_ROLES) or managed
    if action is Action.MANAGE_CUSTOMERS:
        return bool(org & {Role.SALES.value, Role.DEPT_HEAD.value})
    if action is Action.MANAGE_OPPORTUNITY:
        return (owner_id is not None and owner_id == person.id) or bool(
            org & {Role.SALES.value, Role.DEPT_HEAD.value})
    return False


async def require(tx: Tx, person: Person, action: Action, *, project_id: int | None = None,
                  ticket: Ticket | None = None, owner_id: int | None = None,
                  escalation_roles: frozenset[str] = frozenset()) -> None:
    if not await allowed(tx, person, action, project_id=project_id, ticket=ticket,
                         owner_id=owner_id, escalation_roles=escalation_roles):
        if ticket is not None and action.value in TICKET_RULES and person.active:
            who = await who_may(tx, action.value, ticket, escalation_roles)
            raise NotAllowed("who.refused" if who else "who.nobody", action=action.value, who=who)
        raise NotAllowed()


# Change requests (issue 8). Deciding is the current approver's alone: no admin override, so
# the audit trail always shows the person the rules named.
_CHANGE_RAISERS = {Role.PROJECT_MANAGER, Role.ENGINEER}
_ORG_CHANGE_ROLES = {Role.DEPT_HEAD.value, Role.HQ_ENGINEERING_DIRECTOR.value}
_ORG_CHANGE_VIEWERS = _ORG_CHANGE_ROLES | {Role.HQ_SERVICE.value, Role.FINANCE.value}


async def allowed_on_change(tx: Tx, person: Person, action: Action, project_id: int, *,
                            requester_id: int | None = None, approver_ids: tuple[int, ...] = (),
                            current_approver_id: int | None = None) -> bool:
    if not person.active:
        return False
    if action is Action.DECIDE_CHANGE:
        return current_approver_id is not None and current_approver_id == person.id
    if action is Action.WITHDRAW_CHANGE:
        return requester_id is not None and requester_id == person.id
    if person.is_admin:
        return True
    roles = await tx.projects.roles_of(person.id, project_id)
    org = set(person.org_roles or ())
    if action is Action.RAISE_CHANGE:
        return bool(roles & _CHANGE_RAISERS) or bool(org & _ORG_CHANGE_ROLES)
    if action is Action.VIEW_CHANGE:
        return (person.id == requester_id or person.id in approver_ids
                or bool(roles - CUSTOMER_SIDE) or bool(org & _ORG_CHANGE_VIEWERS))
    return False


async def require_on_change(tx: Tx, person: Person, action: Action, project_id: int,
                            **subject: object) -> None:
    if not await allowed_on_change(tx, person, action, project_id, **subject):  # type: ignore[arg-type]
        raise NotAllowed()


# Progress (issue 7): the site team moves milestones and writes the daily log; everyone on the
# project (customer contacts too) sees progress; org-wide managers see every project.
_PROGRESS_EDITORS = {Role.PROJECT_MANAGER, Role.FOREMAN, Role.ENGINEER}
_ORG_PROGRESS_VIEWERS = {Role.DEPT_HEAD.value, Role.HQ_SERVICE.value, Role.HQ_ENGINEERING_DIRECTOR.value}


async def allowed_on_progress(tx: Tx, person: Person, action: Action, project_id: int) -> bool:
    if not person.active:
        return False
    if person.is_admin:
        return True
    roles = await tx.projects.roles_of(person.id, project_id)
    if action is Action.VIEW_PROGRESS:
        return bool(roles) or bool(set(person.org_roles or ()) & _ORG_PROGRESS_VIEWERS)
    if action is Action.UPDATE_PROGRESS:
        return bool(roles & _PROGRESS_EDITORS)
    if action is Action.WRITE_LOG:
        return bool(roles - CUSTOMER_SIDE)
    return False


async def require_on_progress(tx: Tx, person: Person, action: Action, project_id: int) -> None:
    if not await allowed_on_progress(tx, person, action, project_id):
        raise NotAllowed()


# Setting up a company (issue 14): org-wide roles are the admin's to give; projects are made
# and closed by admins and department heads; the project's manager edits its details, plan and
# stoppages; contracts and payment schedules are for finance (org-wide or the project's) and
# the project's manager.
class SetupAction(StrEnum):
    GRANT_ORG_ROLE = "org.grant"
    VIEW_ORG_ROLES = "org.view"
    CREATE_PROJECT = "project.create"
    CLOSE_PROJECT = "project.close"
    EDIT_PROJECT = "project.edit"
    EDIT_PLAN = "plan.edit"
    RECORD_STOPPAGE = "project.stoppage"
    MANAGE_CONTRACT = "contract.manage"


_PROJECT_HEADS = {Role.DEPT_HEAD.value}
_PROJECT_EDITORS = {Role.PROJECT_MANAGER, Role.DEPT_HEAD}


async def allowed_on_setup(tx: Tx, person: Person, action: SetupAction,
                           project_id: int | None = None) -> bool:
    if not person.active:
        return False
    if person.is_admin:
        return True
    org = set(person.org_roles or ())
    if action is SetupAction.GRANT_ORG_ROLE:
        return False
    if action is SetupAction.VIEW_ORG_ROLES:
        staff = any(r not in CUSTOMER_SIDE for _, r in await tx.projects.memberships_of(person.id))
        return bool(org) or staff
    if action in (SetupAction.CREATE_PROJECT, SetupAction.CLOSE_PROJECT):
        return bool(org & _PROJECT_HEADS)
    roles = await tx.projects.roles_of(person.id, project_id) if project_id is not None else set()
    if action in (SetupAction.EDIT_PROJECT, SetupAction.EDIT_PLAN, SetupAction.RECORD_STOPPAGE):
        return bool(org & _PROJECT_HEADS) or bool(roles & _PROJECT_EDITORS)
    if action is SetupAction.MANAGE_CONTRACT:
        return (bool(org & (_PROJECT_HEADS | {Role.FINANCE.value, Role.FINANCE_DIRECTOR.value}))
                or bool(roles & {Role.PROJECT_MANAGER, Role.FINANCE}))
    return False


async def require_on_setup(tx: Tx, person: Person, action: SetupAction,
                           project_id: int | None = None) -> None:
    if not await allowed_on_setup(tx, person, action, project_id):
        raise NotAllowed()
