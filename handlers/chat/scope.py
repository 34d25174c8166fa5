"""Which project a command is about, the same way for every area: the code written first
("P-001 …"), else the project the chat is bound to, else the sender's only project.

And what a customer-facing chat (a project's customer group, or a customer contact's direct
chat: handlers/chat/audience.py) may be told, checked here for every area before its handler
runs and after it answered:

- only the commands listed below are answered there (any other is refused politely; a new
  command is internal until it is listed);
- in a customer group, every command is about the group's project: naming another is refused;
- a ticket named there must be one of that chat's projects the customer may see;
- only the customer's buttons work there (确认解决 / 未解决 / 评价 …);
- a live card posted there goes in its customer form (a ticket card without 接单, 转派 …).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace

from domain.enums import Audience
from domain.errors import NotAllowed
from domain.people import project_by_code
from domain.store.models import Project
from domain.tickets.visibility import customer_may_see, customer_projects
from handlers.chat.audience import customer_facing, customer_form, has_customer_form
from handlers.chat.cards import Card
from handlers.chat.context import Ctx
from handlers.chat.router import Route

PROJECT_CODE = re.compile(r"^(P-\d+)(?:\s+|$)", re.IGNORECASE)
_CODE_WORD = re.compile(r"^P-?(\d+)$", re.IGNORECASE)
_TICKET_NO = re.compile(r"^\s*(?:T-?)?(\d+)", re.IGNORECASE)
_MAX_ID = 2**31 - 1

# Commands answered in a customer-facing chat, by route name (handlers/<area>/area.py).
_CUSTOMER_COMMANDS = frozenset({"help", "report", "report_typo", "mine", "ticket", "rate", "progress",
                                "complete", "log", "receivables", "members", "bind",
                                "recommend",    # the NPS answer (推荐 9) is the customer's own
                                "accept",       # 验收 通过/不通过 YS-n: the supervisor's sign-off
                                "confirm"})     # 确认: the answer to 绑定's question (handlers/admin/rebind.py)
# Answered only in a customer contact's own direct chat: it lists all of one's projects.
_DIRECT_ONLY = frozenset({"whoami"})
# Commands whose first word is a ticket number.
_NAME_A_TICKET = frozenset({"ticket", "rate"})
# Commands whose text is prose after an optional leading code (read by `project_for`), and
# 绑定, whose code is the project the chat is to belong to: their other words are not checked.
_OWN_CODE_READING = frozenset({"report", "report_typo", "progress", "complete", "log", "rate", "bind"})
# Buttons that work in a customer-facing chat.
_CUSTOMER_ACTIONS = frozenset({"ticket.confirm", "ticket.reopen", "ticket.rate", "ticket.report_in",
                               "capture.file", "capture.dismiss", "progress.confirm", "progress.cancel",
                               "nps.rate", "site.accept_pass", "site.accept_fail",
                               "admin.rebind", "admin.rebind_cancel"})   # 绑定 asks first there too


@dataclass(frozen=True)
class CustomerChat:
    """A customer-facing chat and the projects it may speak about."""
    project_ids: frozenset[int]
    codes: frozenset[str]
    group: bool                  # the project's customer group (else a contact's own chat)


async def customer_chat(ctx: Ctx) -> CustomerChat | None:
    """None for the site team's chats (an internal group, a staff member's direct chat or a
    group not bound yet). A chat bound to no project is the customer's when a customer contact
    is the one writing (or pressing) there: their direct chat — some platforms do not say
    whether a button was pressed in a direct chat or a group."""
    if ctx.binding is not None:
        if ctx.binding.audience != Audience.CUSTOMER.value or ctx.project is None:
            return None
        return CustomerChat(frozenset({ctx.project.id}), frozenset({ctx.project.code.upper()}), True)
    if ctx.person is None:
        return None
    projects = await customer_projects(ctx.tx, ctx.person)
    if projects is None:
        return None
    return CustomerChat(frozenset(p.id for p in projects), frozenset(p.code.upper() for p in projects),
                        False)


async def project_for(ctx: Ctx, args: str, *, sender_projects: bool = True
                      ) -> tuple[Project | None, str, list[Project]]:
    """(project, the rest of the text, the sender's projects). The project is None when it is
    not clear; the caller then asks in its own words (or with a card) which of the list.
    `sender_projects=False` skips the "only project" guess (e.g. in an unbound group).
    In a customer group, naming another project is refused."""
    explicit = PROJECT_CODE.match(args)
    if explicit:
        chat = await customer_chat(ctx)
        if chat is not None:
            _own_project(ctx, chat, explicit.group(1))
        return await project_by_code(ctx.tx, explicit.group(1)), args[explicit.end():].strip(), []
    if ctx.project is not None:
        return ctx.project, args, []
    if not sender_projects:
        return None, args, []
    projects = list({p.id: p for p, _ in await ctx.tx.projects.memberships_of(ctx.person.id)}.values())
    return (projects[0] if len(projects) == 1 else None), args, projects


def answered_for_customers(route_name: str, group: bool) -> bool:
    """Whether a customer-facing chat (a group, or a contact's own chat) answers this command
    (帮助 lists only those there)."""
    if route_name in _DIRECT_ONLY:
        return not group
    return route_name in _CUSTOMER_COMMANDS


async def check_command(ctx: Ctx, route: Route, args: str) -> None:
    """Before a command's handler runs: refuse what a customer-facing chat is not told."""
    chat = await customer_chat(ctx)
    if chat is None:
        return
    name = _command_name(ctx, route)
    if route.name in _DIRECT_ONLY and chat.group:
        raise NotAllowed("scope.direct_only", command=name)
    if route.name not in _CUSTOMER_COMMANDS | _DIRECT_ONLY:
        if chat.group:   # staff may be typing there: say where it works
            raise NotAllowed("scope.refused_group", command=name)
        raise NotAllowed()
    if route.name not in _OWN_CODE_READING:
        for word in args.split():
            code = _CODE_WORD.match(word)
            if code:
                _own_project(ctx, chat, f"P-{code.group(1)}")
    if route.name in _NAME_A_TICKET:
        await _customer_ticket(ctx, chat, args)


async def check_click(ctx: Ctx, action: str) -> None:
    """Before a button's handler runs: in a customer-facing chat only the customer's work
    (a site-team button on a card posted there earlier does nothing)."""
    if action not in _CUSTOMER_ACTIONS and await customer_chat(ctx) is not None:
        raise NotAllowed("scope.button_internal")


async def customer_copies(ctx: Ctx) -> None:
    """After the handler answered: a live card headed for a customer-facing chat or person
    goes in its customer form (drawn by its area), whatever the handler built."""
    here, here_is_customer = ctx.here(), None
    views = ctx.deps.card_views
    for index, out in enumerate(list(ctx.reply.messages)):
        body = out.body
        if not isinstance(body, Card) or not body.card_key or not has_customer_form(body.card_key, views):
            continue
        if out.target == here:
            if here_is_customer is None:
                here_is_customer = await customer_chat(ctx) is not None
            customer = here_is_customer
        else:
            customer = await customer_facing(ctx.tx, out.target)
        if customer:
            card = await ctx.deps.live_card(ctx.tx, customer_form(body.card_key), out.locale)
            ctx.reply.messages[index] = replace(out, body=card or _gone(ctx))


def _own_project(ctx: Ctx, chat: CustomerChat, code: str) -> None:
    """Only the chat's own projects may be named: a customer group is told which is its own;
    a customer contact naming another project hears 无权限, whether it exists or not (the
    names of other projects are not the customer's business either)."""
    if code.upper() in chat.codes:
        return
    if chat.group:
        raise NotAllowed("scope.other_project", code=ctx.project.code, named=code.upper())
    raise NotAllowed()


async def _customer_ticket(ctx: Ctx, chat: CustomerChat, args: str) -> None:
    number = _TICKET_NO.match(args)
    if number is None:
        return   # the command explains its usage
    ticket_id = int(number.group(1))
    ticket = await ctx.tx.tickets.get(ticket_id) if 0 < ticket_id <= _MAX_ID else None
    if ticket is None or ticket.project_id not in chat.project_ids or not customer_may_see(ticket):
        raise NotAllowed("scope.ticket_not_here", number=f"T-{number.group(1)}")


def _command_name(ctx: Ctx, route: Route) -> str:
    return route.en[0] if ctx.locale == "en" and route.en else route.zh[0]


def _gone(ctx: Ctx) -> Card:
    return Card(ctx.t("scope.card_gone"), "grey", ())
