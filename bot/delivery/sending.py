"""Sending one outbox row through its platform's adapter, and what the outcome means: sent,
to be tried again (and when), failed because the platform was down, or refused."""
from __future__ import annotations

import asyncio
import logging
from datetime import datetime
from typing import Callable

import aiohttp

from bot.delivery.handover import HandOver
from bot.delivery.outcomes import BUSY_RETRY, Outcomes
from bot.delivery.ports import Adapter, DeliveryError, PermanentError, PostRef, TransientError
from domain.errors import StoreBusy
from domain.store.models import OutboxMessage
from domain.store.uow import Store
from handlers.chat.cards import Card
from handlers.chat.contract import File, Target, Text, payload_to_body

log = logging.getLogger(__name__)


async def send_row(adapters: dict[str, Adapter], store: Store, outcomes: Outcomes,
                   row: OutboxMessage, handover: HandOver,
                   leaving: Callable[[], None] = lambda: None) -> datetime | None:
    """Sends one row and notes the outcome. Returns when the rest of its chat may go on if it
    must wait (tried and to be tried again, or no longer ours), else None. `leaving()` is
    called just before the request is handed to the adapter (the worker's figures:
    bot/delivery/figures.py)."""
    adapter = adapters.get(row.platform)
    try:
        if adapter is None:
            raise PermanentError(f"platform {row.platform!r} is not configured")
        body = payload_to_body(row.payload)
        target = Target(row.platform, row.target_type, row.target_id)
        if not dedupes(adapter, target, body, row.op) and not await handover.mark(row):
            return outcomes.clock()   # another process claimed it since: it decides
        leaving()
        if row.op == "update":
            outcomes.updated(row, await _update(adapter, store, row, target, body))
            return None
        sent = await adapter.send(target, body, idempotency_key=row.idempotency_key,
                                  reply_to=row.reply_to)
    except DeliveryError as error:
        return outcomes.tried(row, error)
    except StoreBusy:   # nothing was sent (reading the card's post): a little later
        at = outcomes.clock() + BUSY_RETRY
        outcomes.put_back([row], at)
        return at
    except (asyncio.TimeoutError, OSError, aiohttp.ClientError) as error:
        # The network, not the message: an adapter that let it through still means "down".
        return outcomes.tried(row, TransientError(f"{type(error).__name__}: {error}"))
    except Exception as error:  # a bug in an adapter must not kill the worker
        log.exception("adapter crashed on outbox row %s", row.id)
        return outcomes.tried(row, PermanentError(f"{type(error).__name__}: {error}"))
    outcomes.sent(row, sent.message_id, sent.handle)
    return None


def dedupes(adapter: Adapter, target: Target, body: Text | Card | File, op: str) -> bool:
    """Whether the platform drops this send when it comes again under the same key (adapters
    that do not say: yes)."""
    says = getattr(adapter, "dedupes", None)
    return True if says is None else bool(says(target, body, op))


async def _update(adapter: Adapter, store: Store, row: OutboxMessage, target: Target, body) -> str:  # noqa: ANN001
    """Redraws a posted card; returns the message id it has now."""
    async with store.transaction() as tx:
        post = await tx.outbox.get_post(row.post_id) if row.post_id else None
    if post is None or not isinstance(body, Card):
        raise PermanentError("the card to update is unknown")
    sent = await adapter.update(PostRef(target, post.message_id, dict(post.handle)), body)
    if sent is not None and sent.handle:   # e.g. a fresh WeCom response_code, for the next update
        async with store.transaction() as tx:
            fresh = await tx.outbox.get_post(post.id)
            fresh.handle = {**fresh.handle, **sent.handle}
            if sent.message_id != post.message_id:
                fresh.message_id = sent.message_id
    return post.message_id
