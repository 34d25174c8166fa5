"""A report's message withdrawn on the platform (撤回). If nobody has acted on the ticket it
opened, the ticket is withdrawn (closed, reason "withdrawn"); otherwise it stays and notes that
the reporter recalled the original message. Said once: a second delivery of the recall (or a
recall of a message that opened nothing) changes nothing."""
from __future__ import annotations

from datetime import datetime

from domain.capture import proposals
from domain.enums import TicketStatus
from domain.store.models import Ticket
from domain.store.uow import Tx
from domain.tickets.records import Origin, Policy, record

WITHDRAWN = "withdrawn"
# What the reporter may still do to their own ticket without anyone having acted on it.
_REPORTERS_OWN = frozenset({"created", "attached", "corrected"})


async def message_recalled(tx: Tx, policy: Policy, platform: str, message_id: str, now: datetime,
                           origin: Origin) -> Ticket | None:
    """The ticket whose card must be redrawn, or None when nothing changed."""
    ticket = await tx.site.ticket_from_message(platform, message_id)
    if ticket is None or ticket.source_recalled_at is not None:
        return None
    ticket.source_recalled_at = now
    if await _untouched(tx, ticket):
        ticket.status, ticket.closed_at, ticket.closed_reason = TicketStatus.CLOSED.value, now, WITHDRAWN
        record(tx, ticket, None, WITHDRAWN, now, origin, {"message_id": message_id})
        await policy.refresh(tx, ticket)
    else:
        record(tx, ticket, None, "source_recalled", now, origin, {"message_id": message_id})
    await tx.flush()
    return ticket


async def proposal_recalled(tx: Tx, platform: str, message_id: str) -> int | None:
    """A sentence recalled while its 登记 proposal still waits: the proposal goes, as if its
    author had said 不用了. The draft's id (its card to redraw), or None."""
    draft = await tx.site.draft_from_message(platform, message_id)
    if draft is None or draft.ticket_id is not None:
        return None   # a filed one: its ticket was found by the message (message_recalled)
    await proposals.dismiss(tx, draft)
    return draft.id


async def _untouched(tx: Tx, ticket: Ticket) -> bool:
    """Still open and nobody but the reporter did anything with it (the scheduler's reminders
    and escalations are not someone acting)."""
    if ticket.status != TicketStatus.OPEN.value or ticket.accepted_at is not None:
        return False
    for event in await tx.tickets.events(ticket.id):
        if event.actor_id is None:
            continue
        if event.actor_id != ticket.reporter_id or event.kind not in _REPORTERS_OWN:
            return False
    return True
