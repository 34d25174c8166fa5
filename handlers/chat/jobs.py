"""Scheduled work as another entry point into the domain.

A job scans for what is due at `now` (read-only), then performs each effect through
`JobRunner.once(key, work)`: one transaction that claims `key` in the database, runs `work`,
and queues its messages with `key` as their idempotency prefix. Two processes, a slow pass, or a
restart that catches up on a missed run can only ever perform a key once.

A pass with hundreds of effects uses `JobRunner.many` (or `in_batch` when it reads what they
need itself): many effects in one transaction, their keys claimed in one statement (still
unique in the database), each effect on its own — one that fails is undone with its claim,
and the next pass tries it again, while the others commit (handlers/chat/batch.py).
"""
from __future__ import annotations

import logging
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import AsyncIterator, Awaitable, Callable, Sequence

from domain.store.uow import Store, Tx
from handlers.chat.batch import Batch
from handlers.chat.context import Deps
from handlers.chat.effect import Effect, Known, Work
from handlers.chat.outbox_writer import queue_reply

__all__ = ["Batch", "Effect", "JobDef", "JobRunner", "Known", "Work"]

log = logging.getLogger(__name__)


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

    async def in_batch(self, body: Callable[[Batch], Awaitable[None]]) -> int:
        """Run `body` (which claims and performs through the `Batch`) in one transaction.
        Returns how many effects it performed, once committed. If the transaction fails, none
        were (claims included): it is done once more carefully (see handlers/chat/batch.py),
        and if that fails too, the next pass tries them all again."""
        for careful in (False, True):
            try:
                async with self.store.transaction() as tx:
                    batch = Batch(self, tx, self.clock(), careful)
                    await body(batch)
                    await batch.write()
            except Exception:
                if careful:
                    log.exception("a batch of scheduled effects failed; the next pass tries it again")
                else:
                    log.warning("a batch of scheduled effects failed; doing it again, one effect at a "
                                "time", exc_info=True)
                continue
            if batch.performed:
                self.on_queued()
            return batch.performed
        return 0

    async def many(self, items: Sequence[tuple[str, Work]], chunk: int = 200) -> int:
        """`once` for many (key, work): `chunk` of them per transaction. Returns how many
        this process performed."""
        performed = 0
        for start in range(0, len(items), chunk):
            part = items[start:start + chunk]

            async def body(batch: Batch, part: Sequence[tuple[str, Work]] = part) -> None:
                owned = await batch.claim(key for key, _ in part)
                for key, work in part:
                    if key in owned:
                        await batch.perform(key, work)
            performed += await self.in_batch(body)
        return performed


@dataclass(frozen=True)
class JobDef:
    """A recurring scan: `run(runner)` every `seconds`."""
    name: str
    seconds: int
    run: Callable[[JobRunner], Awaitable[None]]
