"""帮助 / help, generated from the routes so it never drifts from what the router knows.

帮助 lists what the asker can use here (issue 16): by their roles in this chat's project (all
their projects' in a chat bound to none), customers only the customer commands, and the
examples in their own context (their project's code, their open ticket). 帮助 全部 lists all."""
from __future__ import annotations

import re

from domain.enums import CUSTOMER_SIDE, Role
from domain.store.models import Person
from handlers.chat.context import Ctx
from handlers.chat.router import Route, Router
from handlers.chat.scope import answered_for_customers, customer_chat

_ALL_WORDS = {"全部", "所有", "all"}
_R = Role
_MANAGERS = {_R.PROJECT_MANAGER, _R.DEPT_HEAD, _R.HQ_SERVICE}
_FINANCE = {_R.PROJECT_MANAGER, _R.FINANCE, _R.FINANCE_DIRECTOR, _R.DEPT_HEAD}
_STAFF = set(Role) - CUSTOMER_SIDE
_EVERYONE = set(Role)
# Who a command is for, by project or org-wide role (the services still check each use:
# domain/access.py). Commands not named here are for the staff.
_FOR: dict[str, set[Role]] = {
    "report": _EVERYONE, "mine": _EVERYONE, "ticket": _EVERYONE, "rate": _EVERYONE,
    "progress": _EVERYONE, "whoami": _EVERYONE, "help": _EVERYONE,
    "recommend": {_R.CUSTOMER_CONTACT},
    "accept": _EVERYONE,   # the site team asks; the 监理 and the owner's contact sign off
    "receivables": _FINANCE | {_R.CUSTOMER_CONTACT},
    "overdue": _MANAGERS, "share": _MANAGERS, "unshare": _MANAGERS,
    "bind": {_R.PROJECT_MANAGER}, "members": {_R.PROJECT_MANAGER},
    "payment": _FINANCE,
    "customer": _FINANCE | {_R.SALES, _R.HQ_SERVICE},
    "opportunity": {_R.SALES, _R.DEPT_HEAD},
    "change": {_R.PROJECT_MANAGER, _R.ENGINEER, _R.DEPT_HEAD, _R.HQ_ENGINEERING_DIRECTOR},
    "approvals": {_R.PROJECT_MANAGER, _R.ENGINEER, _R.DEPT_HEAD, _R.HQ_ENGINEERING_DIRECTOR,
                  _R.FINANCE_DIRECTOR},
    "approve": {_R.PROJECT_MANAGER, _R.DEPT_HEAD, _R.HQ_ENGINEERING_DIRECTOR, _R.FINANCE_DIRECTOR},
    "reject": {_R.PROJECT_MANAGER, _R.DEPT_HEAD, _R.HQ_ENGINEERING_DIRECTOR, _R.FINANCE_DIRECTOR},
    "withdraw": {_R.PROJECT_MANAGER, _R.ENGINEER},
    "complete": {_R.PROJECT_MANAGER, _R.FOREMAN, _R.ENGINEER},
    "projects": {_R.PROJECT_MANAGER, _R.DEPT_HEAD},
    "plan": {_R.PROJECT_MANAGER, _R.DEPT_HEAD}, "stoppage": {_R.PROJECT_MANAGER, _R.DEPT_HEAD},
    "contract": _FINANCE, "schedule": _FINANCE,
    "reports": _MANAGERS | _FINANCE | {_R.HQ_ENGINEERING_DIRECTOR},
    "satisfaction": _MANAGERS | {_R.HQ_ENGINEERING_DIRECTOR},
    "export_report": _MANAGERS | _FINANCE | {_R.HQ_ENGINEERING_DIRECTOR},
    "template": {_R.PROJECT_MANAGER, _R.DEPT_HEAD, _R.FINANCE, _R.SALES},
}
_CODE = re.compile(r"P-\d{3}")
_TICKET = re.compile(r"T-\d+")


def help_text(ctx: Ctx, router: Router, routes: list[Route] | None = None,
              code: str | None = None, ticket: str | None = None) -> str:
    english = ctx.locale == "en"
    lines = [ctx.t("help.title")]
    for route in routes if routes is not None else router.routes:
        if not route.listed:
            continue
        name = (route.en if english else route.zh)[0]
        params = route.help_params(ctx.deps) if route.help_params is not None else {}
        example = ctx.t(f"help.{route.name}.example", **params)
        example = _CODE.sub(code, example) if code else example
        example = _TICKET.sub(ticket, example) if ticket else example
        lines.append(ctx.t("help.line", name=name, usage=ctx.t(f"help.{route.name}.usage", **params),
                             example=example))
    lines.append(ctx.t("help.footer") if routes is None else ctx.t("help.footer_mine"))
    return "\n".join(lines)


async def _roles_here(ctx: Ctx, person: Person) -> set[Role]:
    held = {Role(r) for r in person.org_roles or () if r in Role._value2member_map_}
    if ctx.project is not None:
        return held | await ctx.tx.projects.roles_of(person.id, ctx.project.id)
    return held | {role for _, role in await ctx.tx.projects.memberships_of(person.id)}


async def mine(ctx: Ctx, router: Router) -> str:
    """帮助 for the asker: the commands their roles here use, examples in their context."""
    person = ctx.person
    chat = await customer_chat(ctx)
    if person.is_admin and chat is None:
        usable = list(router.routes)
    else:
        roles = await _roles_here(ctx, person)
        usable = [r for r in router.routes if roles & _FOR.get(r.name, _STAFF)
                  and (chat is None or answered_for_customers(r.name, chat.group))]
    code = ctx.project.code if ctx.project is not None else None
    if code is None:
        codes = {p.code for p, _ in await ctx.tx.projects.memberships_of(person.id)}
        code = codes.pop() if len(codes) == 1 else None
    customer = None if chat is None else list(chat.project_ids)
    open_tickets = await ctx.tx.tickets.open_for(person.id, 1, customer_projects=customer)
    ticket = open_tickets[0].number if open_tickets else None
    return help_text(ctx, router, usable, code, ticket)


def make_help(router: Router):  # noqa: ANN201
    async def show_help(ctx: Ctx, args: str) -> None:
        if args.strip().lower() in _ALL_WORDS:
            chat = await customer_chat(ctx)   # a customer's whole list is still the customer's
            ctx.say(help_text(ctx, router) if chat is None else help_text(
                ctx, router, [r for r in router.routes if answered_for_customers(r.name, chat.group)]))
        else:
            ctx.say(await mine(ctx, router))
    return show_help
