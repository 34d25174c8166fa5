"""Reports waiting for their project: kept until the sender picks it, then filed once."""
from __future__ import annotations

from dataclasses import asdict
from datetime import datetime

from domain.errors import NotAllowed, NotFound
from domain.store.models import Person, ReportDraft
from domain.store.uow import Tx
from domain.tickets.records import NewAttachment
from domain.tickets.records import Origin


def save(tx: Tx, person: Person, origin: Origin, text: str, attachments: list[NewAttachment],
         now: datetime) -> ReportDraft:
    draft = ReportDraft(person_id=person.id, platform=origin.platform, chat_id=origin.chat_id,
                        text=text, attachments=[asdict(a) for a in attachments], created_at=now)
    tx.add(draft)
    return draft


async def take(tx: Tx, person: Person, draft_id: int) -> ReportDraft:
    """The sender's own draft; only its author may file it."""
    draft = await tx.get(ReportDraft, draft_id)
    if draft is None:
        raise NotFound("error.stale_button")
    if draft.person_id != person.id:
        raise NotAllowed()
    return draft


def attachments_of(draft: ReportDraft) -> list[NewAttachment]:
    return [NewAttachment(**item) for item in draft.attachments]
