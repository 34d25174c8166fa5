"""Scheduled work as another entry point into the domain.

A job scans for what is due at `now` (read-only), then performs each effect through
`JobRunner.once(key, work)`: one transaction that claims `key` in the database, runs `work`,
and queues its messages with `key` as their idempotency prefix. Two processes, a slow pass, or a
restart that catches up on a missed run can only ever perform a key once.
"""
from __future__ import annotations

import logging
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, AsyncIterator, Awaitable, Callable

from domain.enums import Audience
from domain.store.models import Person
from domain.store.uow import Store, Tx
from handlers.chat.cards import Card
from handlers.chat.context import Deps
from handlers.chat.contract import Outgoing, Reply, Target, Text
from handlers.chat.outbox_writer import queue_reply

log = logging.getLogger(__name__)


@dataclass
class Effect:
    """One scheduled effect's transaction and what it says."""
    tx: Tx
    deps: Deps
    now: datetime
    key: str
    reply: Reply = field(default_factory=Reply)

    def t(self, locale: str, key: str, **params: Any) -> str:
        return self.deps.t(locale, key, **params)

    def post(self, target: Target, body: Card | Text, suffix: str, locale: str | None = None) -> None:
        self.reply.messages.append(Outgoing(target, body, None, locale or self.deps.default_locale,
                                            suffix))

    async def post_to_project(self, project_id: int, audience: Audience | None,
                              body_for: Callable[[str], Card | Text], suffix: str) -> int:
        """Post to every chat bound to the project (optionally only one audience). `body_for`
        builds the message for a locale. Returns how many chats."""
        count = 0
        for binding in await self.tx.projects.bindings(project_id=project_id):
            if audience is not None and binding.audience != audience.value:
                continue
            locale = self.deps.default_locale
            self.post(Target(binding.platform, "chat", binding.chat_id), body_for(locale),
                      f"{suffix}:{binding.platform}:{binding.chat_id}", locale)
            count += 1
        return count

    async def notify(self, person: Person, body_for: Callable[[str], Card | Text], suffix: str) -> bool:
        """Message a person directly on their first platform; False if they have none."""
        identities = await self.tx.people.identities_of(person.id)
        if not identities:
            return False
        first, locale = identities[0], person.locale or self.deps.default_locale
        self.post(Target(first.platform, "user", first.external_id), body_for(locale),
                  f"{suffix}:{person.id}", locale)
        return True

    def changed(self, card_key: str) -> None:
        if card_key not in self.reply.changed_cards:
            self.reply.changed_cards.append(card_key)


class JobRunner:
    def __init__(self, store: Store, deps: Deps, clock: Callable[[], datetime],
                 on_queued: Callable[[], None] = lambda: None, name: str = "sitebot") -> None:
        self.store, self.deps, self.clock, self.on_queued, self.name = store, deps, clock, on_queued, name

    @asynccontextmanager
    async def reading(self) -> AsyncIterator[Tx]:
        """A transaction for finding what is due (do not change things here)."""
        async with self.store.transaction() as tx:
            yield tx

    async def once(self, key: str, work: Callable[[Effect], Awaitable[None]]) -> bool:
        """Perform `work` under `key` unless it was performed before. A failure rolls back the
        claim too, so the next pass tries again."""
        now = self.clock()
        try:
            async with self.store.transaction() as tx:
                if not await tx.runs.claim(key, now, self.name):
                    return False
                effect = Effect(tx, self.deps, now, key)
                await work(effect)
                await queue_reply(tx, self.deps, effect.reply, key, now)
        except Exception:
            log.exception("scheduled effect %s failed; it will be tried again", key)
            return False
        self.on_queued()
        return True


@dataclass(frozen=True)
class JobDef:
    """A recurring scan: `run(runner)` every `seconds`."""
    name: str
    seconds: int
    run: Callable[[JobRunner], Awaitable[None]]
