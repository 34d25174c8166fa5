"""Questions asked before a big effect (issue 16), answered once: by the card's 确认 / 取消 or
by typing 确认 in the chat the question was asked in. The effect itself is the caller's; this
keeps the question and settles it exactly once (a second press, or the platform delivering
the press again, finds it settled)."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from domain.errors import InvalidInput
from domain.store.models.confirmations import ChatConfirmation
from domain.store.repos.confirmations import confirmations_repo
from domain.store.uow import Tx

ANSWER_WITHIN = timedelta(days=1)


async def ask(tx: Tx, person_id: int, platform: str, chat_id: str, kind: str, value: dict[str, Any],
              now: datetime) -> ChatConfirmation:
    """A new question; an older open one of the same kind and subject (`value["subject"]`, e.g.
    the change it is about) in this chat is dropped: the newest is what 确认 means."""
    for old in await confirmations_repo(tx).open_in(person_id, platform, chat_id, now):
        if old.kind == kind and old.value.get("subject") == value.get("subject"):
            old.settled, old.settled_at = "replaced", now
    row = ChatConfirmation(person_id=person_id, platform=platform, chat_id=chat_id, kind=kind,
                           value=value, asked_at=now, answer_by=now + ANSWER_WITHIN)
    tx.add(row)
    await tx.flush()
    return row


async def latest_open(tx: Tx, person_id: int, platform: str, chat_id: str,
                      now: datetime) -> ChatConfirmation | None:
    found = await confirmations_repo(tx).open_in(person_id, platform, chat_id, now)
    return found[0] if found else None


async def settle(tx: Tx, confirmation_id: int, outcome: str, now: datetime) -> bool:
    """Settle it (row locked). False when it is gone or was settled before: nothing more
    happens (a second press, two people or devices at once)."""
    row = await confirmations_repo(tx).locked(confirmation_id)
    if row is None or row.settled is not None:
        return False
    row.settled, row.settled_at = outcome, now
    await tx.flush()
    return True


async def pressed(tx: Tx, value: dict[str, Any], kind: str, person_id: int, *, not_yours: str,
                  already: str) -> ChatConfirmation:
    """The open question of `kind` a 确认 / 取消 button answers (`value["ask"]`), asked of this
    presser. InvalidInput otherwise: a stale button, someone else's question (`not_yours`), or
    one answered before (`already`) - the message keys are the asking area's."""
    try:
        row = await tx.get(ChatConfirmation, int(value["ask"]))
    except (KeyError, TypeError, ValueError):
        row = None
    if row is None or row.kind != kind:
        raise InvalidInput("error.stale_button")
    if row.person_id != person_id:
        raise InvalidInput(not_yours)
    if row.settled is not None:
        raise InvalidInput(already)
    return row
