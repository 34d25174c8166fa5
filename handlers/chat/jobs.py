"""Scheduled work as another entry point into the domain.

A job scans for what is due at `now` (read-only), then performs each effect through
`JobRunner.once(key, work)`: one transaction that claims `key` in the database, runs `work`,
and queues its messages with `key` as their idempotency prefix. Two processes, a slow pass, or a
restart that catches up on a missed run can only ever perform a key once.
"""
from __future__ import annotations

import logging
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, AsyncIterator, Awaitable, Callable

from domain.store.models import Person
from domain.store.uow import Store, Tx
from handlers.chat.context import Deps
from handlers.chat.answer import Answer, BodyFor
from handlers.chat.outbox_writer import queue_reply

log = logging.getLogger(__name__)


@dataclass
class Effect(Answer):
    """One scheduled effect's transaction and what it says."""
    now: datetime
    key: str

    def t(self, locale: str, key: str, **params: Any) -> str:
        return self.deps.t(locale, key, **params)

    async def notify(self, person: Person, body_for: BodyFor, suffix: str) -> bool:
        """Message a person directly (on their first platform); False if they have none."""
        return await self.tell(person, body_for, f"{suffix}:{person.id}")


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
