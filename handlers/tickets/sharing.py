"""共享 T-12 / 取消共享 T-12: a manager shows a ticket to the customer (their project page, the
daily digest, their chats) or takes it back. Recorded on the ticket's timeline and in the
audit log (domain/tickets/visibility.py)."""
from __future__ import annotations

import re

from domain.errors import NotFound
from domain.tickets import visibility
from handlers.chat.context import Ctx
from handlers.tickets.cards import ticket_key

_TICKET_NO = re.compile(r"^\s*(?:T-?)?(\d{1,9})\s*$", re.IGNORECASE)
_NUMBER = re.compile(r"^\s*(?:T-?)?(\d+)\s*$", re.IGNORECASE)


def _ticket_id(ctx: Ctx, args: str) -> int | None:
    number = _TICKET_NO.match(args)
    if number is None:
        too_long = _NUMBER.match(args)   # T-99999999999999999999: no such ticket, not a crash
        if too_long:
            raise NotFound("error.ticket_not_found", number=f"T-{too_long.group(1)}")
        ctx.say(ctx.t("share.usage"))
        return None
    return int(number.group(1))


async def share(ctx: Ctx, args: str) -> None:
    ticket_id = _ticket_id(ctx, args)
    if ticket_id is None:
        return
    ticket = await visibility.share(ctx.tx, ctx.person, ticket_id, ctx.now, ctx.origin)
    ctx.say(ctx.t("share.done", number=ticket.number, title=ticket.title))
    ctx.changed(ticket_key(ticket.id))


async def unshare(ctx: Ctx, args: str) -> None:
    ticket_id = _ticket_id(ctx, args)
    if ticket_id is None:
        return
    ticket = await visibility.unshare(ctx.tx, ctx.person, ticket_id, ctx.now, ctx.origin)
    ctx.say(ctx.t("share.undone", number=ticket.number, title=ticket.title))
    ctx.changed(ticket_key(ticket.id))
