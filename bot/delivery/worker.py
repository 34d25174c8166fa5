"""The delivery worker: claims due outbox rows and sends them through the platform adapters.

Rows for the same target go out in order, one at a time; different targets go in parallel up
to `concurrency`. Failures are retried with backoff and end as `failed` with the error after
the last attempt; nothing is dropped silently.
"""
from __future__ import annotations

import asyncio
import logging
import uuid
from collections import defaultdict
from datetime import datetime, timedelta
from typing import Callable, Collection

from bot.delivery.limits import RateLimits
from bot.delivery.ports import Adapter, DeliveryError, PermanentError, PostRef, RateLimited
from bot.settings import DeliverySettings
from domain.store.models import OutboxMessage
from domain.store.repos.outbox import FAILED, PENDING, SENT
from domain.errors import StoreBusy
from domain.store.uow import Store
from handlers.chat.cards import Card
from handlers.chat.contract import Target, payload_to_body

log = logging.getLogger(__name__)
COALESCE_SECONDS = 0.01
FINISH_TRIES = 5   # recording a row the platform did receive: worth waiting for the database


class DeliveryWorker:
    def __init__(self, store: Store, adapters: dict[str, Adapter], settings: DeliverySettings,
                 clock: Callable[[], datetime], idle_seconds: float = 1.0,
                 leave_to_others: Collection[str] = ()) -> None:
        """`leave_to_others`: platforms whose rows another process delivers."""
        self.store, self.adapters, self.settings, self.clock = store, adapters, settings, clock
        self.idle_seconds, self.leave_to_others = idle_seconds, tuple(leave_to_others)
        self.token = uuid.uuid4().hex
        self._wake = asyncio.Event()
        self._slots = asyncio.Semaphore(settings.concurrency)
        self.rate = RateLimits(lambda: clock().timestamp())

    def poke(self) -> None:
        """New rows were committed: look now instead of at the next idle tick."""
        self._wake.set()

    async def run(self) -> None:
        while True:
            try:
                busy = await self.run_once()
            except asyncio.CancelledError:
                raise
            except Exception:  # the database blinked; keep the worker alive
                log.exception("delivery pass failed")
                busy = 0
            if not busy:
                self._wake.clear()
                try:
                    await asyncio.wait_for(self._wake.wait(), await self._idle_wait())
                    # Events come in bursts: let the rows of the next few commits join this
                    # pass instead of waking for each one.
                    await asyncio.sleep(COALESCE_SECONDS)
                except asyncio.TimeoutError:
                    pass

    async def run_once(self) -> int:
        """One pass: claim due rows and deliver them. Returns how many were claimed."""
        now = self.clock()
        async with self.store.transaction() as tx:
            rows = await tx.outbox.claim_due(now, self.settings.batch_size, self.token,
                                             self.settings.claim_seconds,
                                             skip_platforms=self.leave_to_others)
        by_target: dict[tuple[str, str], list[OutboxMessage]] = defaultdict(list)
        for row in rows:
            by_target[(row.platform, row.target_id)].append(row)
        deferred: list[tuple[list[OutboxMessage], float]] = []
        sent: list[tuple[OutboxMessage, str, dict]] = []
        await asyncio.gather(*(self._deliver_in_order(batch, deferred, sent)
                               for batch in by_target.values()))
        # One transaction for every row sent this pass, and one for every row put back: a
        # transaction per row would cost more than the sends (and cap a pass near 100/s).
        if sent:
            await self._finish_sent(sent)
        if deferred:
            await self._defer(deferred)
        return len(rows)

    async def drain(self, max_passes: int = 50) -> None:
        """Deliver everything due now (tests and the CLI use it)."""
        for _ in range(max_passes):
            if not await self.run_once():
                return

    async def _idle_wait(self) -> float:
        """Until the next deferred row is due, but at most `idle_seconds`."""
        async with self.store.transaction() as tx:
            due = await tx.outbox.next_due()
        if due is None:
            return self.idle_seconds
        return min(self.idle_seconds, max(0.01, (due - self.clock()).total_seconds()))

    async def _deliver_in_order(self, rows: list[OutboxMessage],
                                deferred: list[tuple[list[OutboxMessage], float]],
                                sent: list[tuple[OutboxMessage, str, dict]]) -> None:
        async with self._slots:
            for index, row in enumerate(rows):
                wait = await self._rate_wait(row)
                if wait:  # this chat is at its limit: the rest of its rows wait too, in order
                    deferred.append((rows[index:], wait))
                    return
                await self._deliver(row, sent)

    async def _rate_wait(self, row: OutboxMessage) -> float:
        limits = getattr(self.adapters.get(row.platform), "limits", None)
        if limits is None:
            return 0.0
        return await self.rate.try_take(limits(Target(row.platform, row.target_type, row.target_id)))

    async def _defer(self, deferred: list[tuple[list[OutboxMessage], float]]) -> None:
        now = self.clock()
        async with self.store.transaction() as tx:
            for rows, wait in deferred:
                await tx.outbox.put_back([row.id for row in rows], now + timedelta(seconds=wait))

    async def _deliver(self, row: OutboxMessage, sent_rows: list[tuple[OutboxMessage, str, dict]]) -> None:
        adapter = self.adapters.get(row.platform)
        try:
            if adapter is None:
                raise PermanentError(f"platform {row.platform!r} is not configured")
            body = payload_to_body(row.payload)
            target = Target(row.platform, row.target_type, row.target_id)
            if row.op == "update":
                await self._update(adapter, row, target, body)
                return
            sent = await adapter.send(target, body, idempotency_key=row.idempotency_key,
                                      reply_to=row.reply_to)
        except DeliveryError as error:
            await self._failed(row, error)
            return
        except StoreBusy:
            raise  # nothing was sent; the claim runs out and the row is taken again
        except Exception as error:  # a bug in an adapter must not kill the worker
            log.exception("adapter crashed on outbox row %s", row.id)
            await self._failed(row, PermanentError(f"{type(error).__name__}: {error}"))
            return
        # The platform has it: from here on the row can only end `sent`, never `failed`.
        sent_rows.append((row, sent.message_id, sent.handle))

    async def _finish_sent(self, sent: list[tuple[OutboxMessage, str, dict]]) -> None:
        for attempt in range(FINISH_TRIES):
            try:
                await self._finish(sent)
                return
            except StoreBusy as error:
                log.warning("%d outbox rows sent but not yet recorded (%s); trying again", len(sent), error)
                await asyncio.sleep(0.2 * (attempt + 1))
        # Still claimed: when the claim runs out the rows are sent again under the same
        # idempotency keys, which the platform (Feishu's uuid) or the receiver de-duplicates.
        log.error("outbox rows %s were sent but could not be recorded", [row.id for row, _, _ in sent])

    async def _update(self, adapter: Adapter, row: OutboxMessage, target: Target, body) -> None:  # noqa: ANN001
        async with self.store.transaction() as tx:
            post = await tx.outbox.get_post(row.post_id) if row.post_id else None
        if post is None or not isinstance(body, Card):
            raise PermanentError("the card to update is unknown")
        sent = await adapter.update(PostRef(target, post.message_id, dict(post.handle)), body)
        async with self.store.transaction() as tx:
            current = await tx.outbox.get(row.id)
            current.status, current.sent_at = SENT, self.clock()
            current.platform_message_id = post.message_id
            if sent is not None and sent.handle:  # e.g. a fresh WeCom response_code
                fresh = await tx.outbox.get_post(post.id)
                fresh.handle = {**fresh.handle, **sent.handle}
                if sent.message_id != post.message_id:
                    fresh.message_id = sent.message_id

    async def _finish(self, sent: list[tuple[OutboxMessage, str, dict]]) -> None:
        async with self.store.transaction() as tx:
            for row, message_id, handle in sent:
                current = await tx.outbox.get(row.id)
                current.status, current.sent_at = SENT, self.clock()
                current.platform_message_id, current.attempts = message_id, current.attempts + 1
                current.claim_token = None
                if current.card_key:
                    tx.outbox.record_post(current, message_id, self.clock(), handle)

    async def _failed(self, row: OutboxMessage, error: DeliveryError) -> None:
        now = self.clock()
        async with self.store.transaction() as tx:
            current = await tx.outbox.get(row.id)
            current.last_error = str(error)[:2000]
            current.claim_token = None
            if isinstance(error, RateLimited):
                # Not the message's fault: wait as told, without using up an attempt.
                current.status = PENDING
                current.next_attempt_at = now + timedelta(seconds=error.retry_after or 1.0)
                return
            current.attempts += 1
            if not error.retryable or current.attempts >= self.settings.max_attempts:
                current.status = FAILED
                log.error("outbox row %s failed for good after %s attempts: %s",
                          row.id, current.attempts, error)
                return
            delay = error.retry_after or min(
                self.settings.backoff_seconds * 2 ** (current.attempts - 1),
                self.settings.backoff_cap_seconds)
            current.status, current.next_attempt_at = PENDING, now + timedelta(seconds=delay)
