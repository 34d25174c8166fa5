"""A note on a ticket (issue 20: an outside form or app comments through /api/v1): kept in the
ticket's timeline and the audit log like every other change, by whoever may see the ticket."""
from __future__ import annotations

from datetime import datetime

from domain.errors import InvalidInput
from domain.store.models import Person, Ticket
from domain.store.uow import Tx
from domain.tickets.records import Origin, record
from domain.tickets.service import visible_ticket

NOTE_MAX = 2000


async def add_note(tx: Tx, actor: Person, ticket_id: int, text: str, now: datetime, origin: Origin,
                   author: str | None = None) -> Ticket:
    """`author`: who wrote it where the actor relays for someone else (an outside app's user)."""
    text = text.strip()
    if not text:
        raise InvalidInput("api.ticket.note_empty")
    if len(text) > NOTE_MAX:
        raise InvalidInput("api.ticket.note_long", limit=NOTE_MAX)
    ticket = await visible_ticket(tx, actor, ticket_id)
    record(tx, ticket, actor, "noted", now, origin,
           {"text": text, **({"author": author.strip()[:100]} if author and author.strip() else {})})
    await tx.flush()
    return ticket
