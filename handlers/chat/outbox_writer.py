"""Turns a handler's `Reply` into outbox rows, in the caller's transaction: new messages, and
a redraw of every posted copy of each changed live card."""
from __future__ import annotations

from datetime import datetime

from domain.store.uow import Tx
from handlers.chat.cards import Card
from handlers.chat.context import Deps
from handlers.chat.contract import Reply


async def queue_reply(tx: Tx, deps: Deps, reply: Reply, key_prefix: str, now: datetime, *,
                      inline_for: tuple[str, str] | None = None) -> Card | None:
    """`key_prefix` makes every row's idempotency key (one effect → one set of rows).
    `inline_for` = (platform, message_id) of a clicked card whose new state the edge shows in
    its own HTTP answer: no row is queued for that copy and the card is returned instead."""
    # One statement for all of them (each row still skipped when its key exists).
    await tx.outbox.enqueue_many([
        {"key": f"{key_prefix}:{out.key or index}", "platform": out.target.platform,
         "target_type": out.target.kind, "target_id": out.target.id,
         "payload": out.body.to_payload(), "reply_to": out.reply_to, "locale": out.locale,
         "card_key": out.body.card_key if isinstance(out.body, Card) else None}
        for index, out in enumerate(reply.messages)], now)
    inline: Card | None = None
    for card_key in reply.changed_cards:
        for post in await tx.outbox.posts_for(card_key):
            card = await deps.live_card(tx, card_key, post.locale)
            if card is None:
                continue
            if inline_for == (post.platform, post.message_id):
                inline = card
                continue
            await tx.outbox.enqueue(
                key=f"{key_prefix}:upd:{post.id}", platform=post.platform,
                target_type=post.target_type, target_id=post.target_id, op="update",
                payload=card.to_payload(), now=now, card_key=card_key, post_id=post.id,
                locale=post.locale)
        # A copy not yet delivered goes out in the new state instead.
        for row in await tx.outbox.pending_sends(card_key):
            card = await deps.live_card(tx, card_key, row.locale)
            if card is not None:
                row.payload = card.to_payload()
    return inline
