"""工单 T-12 and 我的工单 in a customer-facing chat (handlers/chat/scope.py): the customer's form
of the card, the steps of the timeline that are the customer's business (not who it was passed
to, how it was escalated or corrected), and only that chat's projects' customer-visible tickets.
Elsewhere they answer as the site team's commands do (handlers/tickets/commands.py)."""
from __future__ import annotations

import re

from domain.tickets import service
from handlers.chat.context import Ctx
from handlers.chat.scope import customer_chat
from handlers.tickets import commands
from handlers.tickets.cards import customer_ticket_card, ticket_list_card

_TICKET_NO = re.compile(r"^\s*(?:T-?)?(\d+)\s*$", re.IGNORECASE)
# Timeline steps a customer is told about.
_CUSTOMER_STEPS = frozenset({"created", "accepted", "attached", "resolved", "reopened", "closed",
                             "auto_closed", "rated", "commented",
                             "resolution_note"})   # what was done: said for the one confirming


async def show_ticket(ctx: Ctx, args: str) -> None:
    if await customer_chat(ctx) is None:
        await commands.show_ticket(ctx, args)
        return
    number = _TICKET_NO.match(args)
    if not number:
        ctx.say(ctx.t("ticket.usage"))
        return
    # handlers/chat/scope.py let it through: one of this chat's projects, visible to the customer.
    ticket = await service.visible_ticket(ctx.tx, ctx.person, int(number.group(1)))
    ctx.show(await customer_ticket_card(ctx.tx, ctx.deps, str(ticket.id), ctx.locale))
    lines = []
    for event in await ctx.tx.tickets.events(ticket.id):
        if event.kind not in _CUSTOMER_STEPS:
            continue
        actor = await ctx.tx.people.get(event.actor_id) if event.actor_id else None
        data = event.data or {}
        what = ctx.t(f"timeline.{event.kind}", score=data.get("score", ""), note=data.get("note", ""),
                     photos=data.get("photos", 0))
        lines.append(ctx.t("timeline.line", time=ctx.deps.local(event.at),
                           who=actor.name if actor else "sitebot", what=what))
    ctx.say(ctx.t("timeline.title", number=ticket.number) + "\n" + "\n".join(lines))


async def my_tickets(ctx: Ctx, args: str) -> None:
    chat = await customer_chat(ctx)
    if chat is None:
        await commands.my_tickets(ctx, args)
        return
    tickets = await ctx.tx.tickets.open_for(ctx.person.id, customer_projects=sorted(chat.project_ids))
    ctx.show(ticket_list_card(ctx.deps, ctx.locale, tickets, ctx.person))
