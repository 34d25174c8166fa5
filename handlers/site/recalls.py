"""A message withdrawn on the platform (contract.Recalled): the ticket it opened is withdrawn
or keeps a note, and every posted copy of its card is redrawn to say so."""
from __future__ import annotations

from domain.site import recalls
from domain.tickets.records import Policy
from handlers.capture.cards import proposal_key
from handlers.chat.context import Ctx
from handlers.chat.contract import Recalled
from handlers.tickets.cards import ticket_key


async def on_recalled(ctx: Ctx) -> None:
    event = ctx.event
    assert isinstance(event, Recalled)
    ticket = await recalls.message_recalled(ctx.tx, Policy(ctx.deps.rules, ctx.deps.timezone),
                                            event.platform, event.recalled_message_id, ctx.now,
                                            ctx.origin)
    if ticket is not None:
        ctx.changed(ticket_key(ticket.id))
        return
    draft_id = await recalls.proposal_recalled(ctx.tx, event.platform, event.recalled_message_id)
    if draft_id is not None:
        ctx.changed(proposal_key(draft_id))
