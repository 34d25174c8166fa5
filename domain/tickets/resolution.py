"""What was done (issue 16): 已解决 asks the resolver for a note and/or photos. The next
message or photo the resolver sends in the chat where they resolved, within the window, is
the note (跳过 says there is none); the confirmer is asked once it is given, skipped, or the
window ran out, so they read it on the card before pressing 确认解决. Every step is on the
ticket's timeline."""
from __future__ import annotations

from datetime import datetime, timedelta

from domain.store.models import Person, Ticket, TicketAttachment
from domain.store.models.resolutions import TicketResolution
from domain.store.repos.resolutions import resolutions_repo
from domain.store.uow import Tx
from domain.tickets.records import NewAttachment, Origin, record

NOTE_LIMIT = 1000
ASKED, GIVEN, SKIPPED, EXPIRED = "asked", "given", "skipped", "expired"


async def ask(tx: Tx, ticket: Ticket, resolver: Person, origin: Origin, now: datetime,
              minutes: int) -> TicketResolution:
    """Open the ask: the resolver's next message in `origin`'s chat is the note."""
    row = TicketResolution(ticket_id=ticket.id, resolver_id=resolver.id, platform=origin.platform or "",
                           chat_id=origin.chat_id or "", asked_at=now,
                           answer_by=now + timedelta(minutes=minutes), state=ASKED, photos=0)
    tx.add(row)
    await tx.flush()
    return row


async def give(tx: Tx, ticket: Ticket, row: TicketResolution, actor: Person, note: str,
               attachments: list[NewAttachment], now: datetime, origin: Origin) -> bool:
    """Take words and/or photos. Words answer the ask; photos alone keep it open for the
    words that usually follow (跳过 then sends them without). True when this answered the
    ask (the confirmer is to be asked now)."""
    note = note.strip()[:NOTE_LIMIT]
    images = [a for a in attachments if a.kind == "image"]
    if note and not row.note:
        row.note = note
    for item in images:
        tx.add(TicketAttachment(ticket_id=ticket.id, kind=item.kind, platform=origin.platform,
                                ref=item.ref, meta={**item.meta, "resolution": row.id}, created_at=now))
    row.photos += len(images)
    answered = row.state == ASKED and bool(row.note)
    if row.note:
        row.state = GIVEN
    record(tx, ticket, actor, "resolution_note", now, origin, {"note": note, "photos": len(images)})
    await tx.flush()
    return answered


async def skip(tx: Tx, ticket: Ticket, row: TicketResolution, actor: Person, now: datetime,
               origin: Origin) -> None:
    """跳过: no words (the photos sent, if any, are what was done)."""
    row.state = GIVEN if row.photos else SKIPPED
    record(tx, ticket, actor, "resolution_skipped", now, origin, {})
    await tx.flush()


async def expire(tx: Tx, ticket: Ticket, row: TicketResolution, now: datetime,
                 origin: Origin) -> bool:
    """Time is up with no words. False when it was answered meanwhile (another process)."""
    if row.state != ASKED:
        return False
    row.state = GIVEN if row.photos else EXPIRED
    record(tx, ticket, None, "resolution_none", now, origin, {})
    await tx.flush()
    return True


async def open_for(tx: Tx, person: Person, platform: str, chat_id: str,
                   now: datetime) -> TicketResolution | None:
    return await resolutions_repo(tx).open_for(person.id, platform, chat_id, now)


async def latest(tx: Tx, ticket_id: int) -> TicketResolution | None:
    return await resolutions_repo(tx).latest(ticket_id)
