"""Many keyed effects in one transaction (`JobRunner.in_batch`, `JobRunner.many`).

The batch claims its keys in one statement (the unique key in the database still decides:
another process, or a restart, cannot perform a key this batch owns, nor this batch one that
was performed), performs the effects it owns, and keeps their messages to write them in one
statement. Nothing is ever performed twice, and what fails is done again:

- first the batch runs straight through, without savepoints. If anything fails, the whole
  transaction is undone (claims included) and `in_batch` runs the batch again carefully;
- carefully, each effect runs in a savepoint with its messages: one that fails is undone with
  its claim, the next pass tries it again, and the others commit.

Messages go out as `queue_reply` writes them, keyed `{key}:{suffix}`, in the same order; a
live card an effect changed is redrawn from the card's posts and pending sends the batch read
for the round (`read_cards`), or, for a card it did not read, as `queue_reply` does it.
"""
from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING, Any, Awaitable, Callable, Iterable

from domain.store.models import CardPost, OutboxMessage
from domain.store.uow import Tx
from handlers.chat.audience import forms
from handlers.chat.cards import Card
from handlers.chat.contract import Reply
from handlers.chat.effect import Effect, Known, Work
from handlers.chat.outbox_writer import queue_reply

if TYPE_CHECKING:
    from handlers.chat.jobs import JobRunner

log = logging.getLogger(__name__)
Row = dict[str, Any]


class Batch:
    def __init__(self, runner: "JobRunner", tx: Tx, now: datetime, careful: bool = False) -> None:
        self.runner, self.tx, self.now, self.deps = runner, tx, now, runner.deps
        self.careful = careful
        self.known = Known()
        self.performed = 0
        self._unwritten: list[Row] = []       # messages of performed effects, in order
        self._unsent_cards: dict[str, list[Row]] = {}   # card key -> its sends among them
        self._kept: list[object] = []
        self._posts: dict[str, list[CardPost]] = {}
        self._pending: dict[str, list[OutboxMessage]] = {}

    def keep(self, entities: Iterable[object]) -> None:
        """Hold what was read for the batch's effects: the session only holds entities weakly,
        and one dropped would be read again at its next `get`."""
        self._kept.extend(entities)

    async def claim(self, keys: Iterable[str]) -> set[str]:
        """Claim these keys in one statement; returns those this batch now owns."""
        return await self.tx.runs.claim_many(list(keys), self.now, self.runner.name)

    async def read_cards(self, card_keys: Iterable[str]) -> None:
        """Read the posts and pending sends of live cards the next effects may change."""
        if self.careful:
            return   # each effect redraws its cards as queue_reply does
        await self.write()
        keys = [form for key in card_keys for form in forms(key, self.deps.card_views)]
        self._posts = await self.tx.outbox.posts_of(keys)
        self._pending = await self.tx.outbox.pending_sends_of(keys)

    async def perform(self, key: str, work: Work) -> bool:
        """Perform `work` under `key` (which this batch claimed). Carefully, a failure undoes
        what it did, its claim and its messages, and returns False; straight through, it
        fails the batch (which is then done again carefully)."""
        effect = Effect(self.tx, self.deps, self.now, key, known=self.known)
        if not self.careful:
            await work(effect)
            await self._keep_reply(effect, key)
            self.performed += 1
            return True
        try:
            await self.write()   # earlier effects' messages first: the order is kept
            async with self.tx.savepoint():
                await work(effect)
                await self.tx.outbox.enqueue_many(rows(effect.reply, key), self.now)
                if effect.reply.changed_cards:
                    await queue_reply(self.tx, self.deps, Reply(changed_cards=effect.reply.changed_cards),
                                      key, self.now)
        except Exception:
            log.exception("scheduled effect %s failed; it will be tried again", key)
            await self.tx.runs.unclaim(key)
            return False
        self.performed += 1
        return True

    async def quietly(self, what: str, work: Callable[[], Awaitable[None]]) -> bool:
        """Unclaimed housekeeping (e.g. recomputing a due time); carefully, in a savepoint."""
        if not self.careful:
            await work()
            return True
        try:
            async with self.tx.savepoint():
                await work()
                await self.tx.flush()
        except Exception:
            log.exception("%s failed; it will be tried again", what)
            return False
        return True

    async def write(self) -> None:
        """Write the messages kept so far (also done when the batch ends)."""
        if self._unwritten:
            done, self._unwritten, self._unsent_cards = self._unwritten, [], {}
            self._pending = {}   # what was read is no longer all there is
            await self.tx.outbox.enqueue_many(done, self.now)

    async def _keep_reply(self, effect: Effect, key: str) -> None:
        reply, serialised = effect.reply, {}
        for row in rows(reply, key, serialised):
            self._unwritten.append(row)
            if row["card_key"] is not None:
                self._unsent_cards.setdefault(row["card_key"], []).append(row)
        for card_key in reply.changed_cards:
            if card_key not in self._posts or card_key not in self._pending:
                await self.write()   # not read ahead: as queue_reply does it
                await queue_reply(self.tx, self.deps, Reply(changed_cards=[card_key]), key, self.now)
                continue
            drawn: dict[str, dict[str, Any] | None] = {}   # the card's payload per language, now

            async def payload(locale: str) -> dict[str, Any] | None:
                if locale not in drawn:
                    if (card_key, locale) in effect.drawn:
                        card = effect.drawn[(card_key, locale)]
                    else:
                        card = await self.deps.live_card(self.tx, card_key, locale)
                    drawn[locale] = None if card is None else (serialised.get(id(card)) or card.to_payload())
                return drawn[locale]

            for post in self._posts[card_key]:
                if (body := await payload(post.locale)) is not None:
                    self._unwritten.append(_update_row(key, post, body))
            # A copy not yet delivered goes out in the new state instead.
            for row in self._pending[card_key]:
                if (body := await payload(row.locale)) is not None:
                    row.payload = body
            for row in self._unsent_cards.get(card_key, ()):
                if (body := await payload(row["locale"])) is not None:
                    row["payload"] = body


def rows(reply: Reply, key: str, payloads: dict[int, dict[str, Any]] | None = None) -> list[Row]:
    """Outbox rows for a reply's messages, keyed as `queue_reply` keys them. A body sent to
    many targets is serialised once (`payloads`: id of the body -> its payload)."""
    payloads = {} if payloads is None else payloads
    out_rows = []
    for index, out in enumerate(reply.messages):
        payload = payloads.get(id(out.body))
        if payload is None:
            payload = payloads[id(out.body)] = out.body.to_payload()
        out_rows.append({"key": f"{key}:{out.key or index}", "platform": out.target.platform,
                         "target_type": out.target.kind, "target_id": out.target.id, "op": "send",
                         "payload": payload, "post_id": None, "reply_to": out.reply_to,
                         "card_key": out.body.card_key if isinstance(out.body, Card) else None,
                         "locale": out.locale})
    return out_rows


def _update_row(key: str, post: CardPost, payload: dict[str, Any]) -> Row:
    return {"key": f"{key}:upd:{post.id}", "platform": post.platform, "target_type": post.target_type,
            "target_id": post.target_id, "op": "update", "payload": payload,
            "post_id": post.id, "reply_to": None, "card_key": post.card_key, "locale": post.locale}

