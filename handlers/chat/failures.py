"""An event whose work failed (a bug, or someone changing the same row at the same moment): its
work is undone, and what is written instead is the event as handled (so a platform retry does
not repeat a half-known effect), the answer that it failed, and the toast as a message where
the platform shows no toasts."""
from __future__ import annotations

import logging
import uuid
from datetime import datetime

from domain.errors import Conflict, StoreBusy
from domain.store.uow import Tx
from handlers.chat.context import Deps
from handlers.chat.contract import Inbound, Message, Outgoing, Text, Toast

log = logging.getLogger(__name__)


def failure_answer(deps: Deps, event: Inbound, error: Exception) -> tuple[str, str, Toast]:
    """(status, text, toast) for a failed event; logs a bug with a reference the text names."""
    if isinstance(error, Conflict):
        # Someone changed the same row between our read and our write; it was all undone. Say
        # so plainly (the user can press again) instead of "internal error".
        text = deps.t(deps.default_locale, "error.conflict")
        return "refused", text, Toast(text, "warning")
    ref = uuid.uuid4().hex[:8]
    log.error("event %s/%s failed (ref %s)", event.platform, event.event_id, ref, exc_info=error)
    text = deps.t(deps.default_locale, "error.internal", ref=ref)
    return "error", text, Toast(text, "error")


async def record_failure(tx: Tx, event: Inbound, now: datetime, status: str, text: str,
                         toast: Toast, told: Outgoing | None) -> bool:
    """In a savepoint of `tx`, after the event's own work was undone; `told`: the toast as a
    message (platforms without toasts). False when the event had been handled before. A
    database that stopped answering is the caller's (StoreBusy: the event is tried again
    later); anything else that stops this record is logged, and the answer goes back all the
    same."""
    try:
        async with tx.savepoint():
            claimed = await tx.inbound.claim(event.platform, event.event_id, "error", now, status,
                                             {"toast": [toast.text, toast.kind]})
            if claimed is None:
                return False
            rows = []
            if isinstance(event, Message):
                rows.append({"key": f"{event.platform}:{event.event_id}:error",
                             "platform": event.platform, "target_type": "chat",
                             "target_id": event.conversation.chat_id,
                             "payload": Text(text).to_payload()})
            if told is not None:
                rows.append({"key": f"{event.platform}:{event.event_id}:toast",
                             "platform": told.target.platform, "target_type": told.target.kind,
                             "target_id": told.target.id, "payload": told.body.to_payload()})
            await tx.outbox.enqueue_many(rows, now)
    except StoreBusy:
        raise
    except Exception:
        log.exception("could not record failed event %s/%s", event.platform, event.event_id)
    return True
