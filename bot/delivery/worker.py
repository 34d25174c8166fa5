"""The delivery worker: claims due outbox rows and sends them through the platform adapters.

Rows for the same chat go out in order, one at a time; different chats go in parallel, at most
`concurrency` sends in flight per platform. Every send first takes its place in the platform's rate-limit
windows (bot/delivery/limits.py); a platform whose shared limit (Feishu's per app) is nearly
used up is claimed on its own, only as many rows as it can take in the next second, so rows are
not claimed just to be put back. What became of each row is written back in one transaction
for many rows (bot/delivery/outcomes.py). Failures are retried with backoff; a row ends
`failed` with its error and why: refused by the platform, or failed while it was down (then it
is sent again once the platform answers, bot/delivery/recovery.py). Nothing is dropped silently.

`run()` keeps going: it claims more while earlier sends are in flight, a row may wait in memory
up to HOLD_SECONDS for its place in a window. `run_once()` / `drain()` (tests, the CLI) do one
pass and wait for it; a row whose window is full is put back, due when it will fit.
"""
from __future__ import annotations

import asyncio
import logging
import uuid
from collections import Counter, defaultdict
from datetime import datetime, timedelta
from functools import partial
from typing import Callable, Collection

from bot.delivery.figures import WRITER, DeliveryFigures
from bot.delivery.handover import HandOver
from bot.delivery.limits import LimitSpec, RateLimits, Slot
from bot.delivery.monitor import OutboxMonitor
from bot.delivery.outcomes import BUSY_RETRY, Outcomes
from bot.delivery.ports import Adapter
from bot.delivery.recall import recall_windows
from bot.delivery.recovery import OutageRecovery
from bot.delivery.sending import send_row
from bot.delivery.shared_queue import SharedQueue
from bot.observe import NO_OBSERVER
from bot.settings import DeliverySettings
from domain.errors import StoreBusy
from domain.store.models import OutboxMessage
from domain.store.uow import Store
from domain.store.write_turns import WRITER as WRITING
from handlers.chat.contract import Target

log = logging.getLogger(__name__)
HOLD_SECONDS = 2.0       # run(): the longest a claimed row waits in memory for its window
CLAIM_AHEAD = 1.0        # a platform with a shared limit: claim what it can take in this time
TICK_SECONDS = 0.05      # run(): while sends are in flight, write back and claim this often
COALESCE_SECONDS = 0.01  # after a poke, let the rows of the next few commits join the pass
WRITE_TRIES = 5          # run_once(): recording rows the platform did receive is worth waiting for
PROBE_ID = "\x00any"     # a target id no real chat has: finds the limits every target shares


class DeliveryWorker:
    def __init__(self, store: Store, adapters: dict[str, Adapter], settings: DeliverySettings,
                 clock: Callable[[], datetime], idle_seconds: float = 1.0,
                 leave_to_others: Collection[str] = ()) -> None:
        """`leave_to_others`: platforms whose rows another process delivers."""
        self.store, self.adapters, self.settings, self.clock = store, adapters, settings, clock
        self.idle_seconds, self.leave_to_others = idle_seconds, tuple(leave_to_others)
        self.token = uuid.uuid4().hex
        self.rate = RateLimits(lambda: clock().timestamp())
        self.outcomes = Outcomes(settings, clock)
        self.handover = HandOver(store, clock, self.token)
        mine = [name for name in adapters if name not in self.leave_to_others]
        self.recovery = OutageRecovery(store, settings, clock, mine, self.leave_to_others)
        self.monitor = OutboxMonitor(store, settings, clock, self.leave_to_others)
        self._shared = {name: self._shared_limits(name) for name in mine}
        self._wake = asyncio.Event()
        # Sends in flight, per platform: one platform's backlog (10,000 WeCom digests) does not
        # hold up another's sends, which its own rate limit already spaces out.
        self._slots: dict[str, asyncio.Semaphore] = defaultdict(lambda: asyncio.Semaphore(settings.concurrency))
        self._tasks: set[asyncio.Task] = set()
        self._held: Counter[str] = Counter()   # claimed rows not yet sent or put back, by platform
        # A platform's sends queue for its shared windows in the order they came, instead of all
        # waking whenever a place frees up; as many as fit go in one turn (shared_queue.py).
        self._queues = {name: SharedQueue(self.rate) for name, specs in self._shared.items() if specs}
        self.observer = NO_OBSERVER   # the composition root's metrics (bot/observe.py)
        self.figures = DeliveryFigures()
        self._recalled = False   # the windows hold what was sent before this sender started

    def poke(self) -> None:
        """New rows were committed: look now instead of at the next idle tick."""
        self._wake.set()

    # --- the loops -----------------------------------------------------------------------

    async def run(self) -> None:
        writing = WRITING.set(WRITER)   # this task's and its children's writes: ahead of handling
        self._recalled = False         # started anew (e.g. this replica took the lease over)
        try:
            while True:
                self._wake.clear()
                try:
                    claimed = await self._step(hold=HOLD_SECONDS)
                except asyncio.CancelledError:
                    raise
                except Exception:  # the database blinked; keep the worker alive
                    log.exception("delivery pass failed")
                    claimed = 0
                busy = claimed or self._tasks or len(self.outcomes)
                pause = TICK_SECONDS if busy else await self._idle_wait()
                try:
                    await asyncio.wait_for(self._wake.wait(), pause)
                    # Events come in bursts: let the rows of the next few commits join this
                    # pass instead of waking for each one.
                    await asyncio.sleep(COALESCE_SECONDS)
                except asyncio.TimeoutError:
                    pass
        finally:
            await self._stop()
            WRITING.reset(writing)

    async def run_once(self) -> int:
        """One pass: claim due rows, deliver them, record the outcome. Returns how many were
        claimed."""
        writing = WRITING.set(WRITER)
        try:
            claimed = await self._step(hold=0.0)
            if self._tasks:
                await asyncio.gather(*self._tasks)
            for attempt in range(WRITE_TRIES):
                try:
                    await self.outcomes.write(self.store, self.token)
                    break
                except StoreBusy as error:
                    log.warning("%d outbox rows not yet recorded (%s); trying again", len(self.outcomes), error)
                    await asyncio.sleep(0.2 * (attempt + 1))
        finally:
            WRITING.reset(writing)
        return claimed

    async def drain(self, max_passes: int = 50) -> None:
        """Deliver everything due now (tests and the CLI use it)."""
        for _ in range(max_passes):
            if not await self.run_once():
                return

    async def _step(self, hold: float) -> int:
        """Records what became of the rows sent since the last pass and claims the next ones,
        in one transaction; then the outage and monitoring upkeep. Before the first pass, the
        windows are filled with what was sent before (bot/delivery/recall.py)."""
        if not self._recalled:
            await recall_windows(self.store, self.rate, self.clock, self._platform_limits())
            self._recalled = True
        try:
            claimed = await self._claim_and_start(hold)
        except StoreBusy as error:   # kept; the claims last long enough for the next try
            log.warning("%d outbox rows not yet recorded (%s)", len(self.outcomes), error)
            claimed = 0
        await self.recovery.upkeep(*self.outcomes.take_news())
        await self.monitor.report()
        self.figures.report()
        return claimed

    async def _idle_wait(self) -> float:
        """Until the next deferred row is due, but at most `idle_seconds`."""
        try:
            async with self.store.transaction() as tx:
                due = await tx.outbox.next_due()
        except Exception as error:  # the database blinked: look again after the usual pause
            log.warning("delivery: could not read when the next row is due (%s)", error)
            return self.idle_seconds
        if due is None:
            return self.idle_seconds
        return min(self.idle_seconds, max(0.01, (due - self.clock()).total_seconds()))

    async def _stop(self) -> None:
        """Stopping: rows waiting for a window go back to the outbox at once (a restart sends
        them without waiting for their claims to run out); what was sent is recorded."""
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        try:
            await self.outcomes.write(self.store, self.token)
        except Exception as error:  # the claims run out; the rows are taken again then
            log.warning("stopping: %d outbox rows not recorded (%s)", len(self.outcomes), error)

    # --- claiming ------------------------------------------------------------------------

    async def _claim_and_start(self, hold: float) -> int:
        room = self.settings.batch_size - sum(self._held.values())
        if room <= 0:
            await self.outcomes.write(self.store, self.token)
            return 0
        # The claim's COMMIT may finish on SQLite's thread after a stop cancelled us: shielded,
        # its rows are always known, and a stop puts them back at once (not when claims expire).
        claim = asyncio.ensure_future(self._claim(room))
        try:
            rows = await asyncio.shield(claim)
        except asyncio.CancelledError:
            try:
                self.outcomes.put_back(await claim, self.clock())
            except Exception:  # the claim failed: nothing was claimed
                pass
            raise
        by_target: dict[tuple[str, str, str], list[OutboxMessage]] = defaultdict(list)
        for row in rows:
            by_target[(row.platform, row.target_type, row.target_id)].append(row)
            self._held[row.platform] += 1
        for batch in by_target.values():
            task = asyncio.create_task(self._deliver_in_order(batch, hold))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        return len(rows)

    async def _claim(self, room: int) -> list[OutboxMessage]:
        now = self.clock()
        rows: list[OutboxMessage] = []
        shared = {name: specs for name, specs in self._shared.items() if specs}
        async with self.outcomes.writing(self.store, self.token) as tx:
            for platform, specs in shared.items():
                fits = min(room - len(rows), self.rate.room(specs, CLAIM_AHEAD) - self._held[platform])
                if fits > 0:
                    rows += await tx.outbox.claim_due(now, fits, self.token, self.settings.claim_seconds,
                                                      platforms=[platform])
            if room > len(rows):
                rows += await tx.outbox.claim_due(now, room - len(rows), self.token,
                                                  self.settings.claim_seconds,
                                                  skip_platforms=(*self.leave_to_others, *shared))
        return rows

    def _shared_limits(self, platform: str) -> list[LimitSpec]:
        """The limits every target of the platform shares (Feishu's per app): those whose key
        does not name the target."""
        limits = getattr(self.adapters[platform], "limits", None)
        if limits is None:
            return []
        try:
            specs = limits(Target(platform, "chat", PROBE_ID))
        except Exception:  # an adapter that cannot read such an id has no shared limit to offer
            return []
        return [spec for spec in specs if PROBE_ID not in spec[0]]

    def _platform_limits(self) -> dict[str, Callable[[Target], list[LimitSpec]]]:
        """The `limits` of each platform this worker sends to that keeps any."""
        found = {}
        for name, adapter in self.adapters.items():
            limits = getattr(adapter, "limits", None)
            if limits is not None and name not in self.leave_to_others:
                found[name] = limits
        return found

    def _limits(self, row: OutboxMessage) -> list[LimitSpec]:
        limits = getattr(self.adapters.get(row.platform), "limits", None)
        return limits(Target(row.platform, row.target_type, row.target_id)) if limits else []

    # --- sending -------------------------------------------------------------------------

    async def _deliver_in_order(self, rows: list[OutboxMessage], hold: float) -> None:
        """One chat's rows, in order. A row waits for its windows up to `hold` seconds (not
        for a live card: while it waits a change could not reach it); otherwise it and the
        rest of the chat are put back, due when it fits. After a failed try the rest of the
        chat waits with it."""
        loop = asyncio.get_running_loop()
        deadline, left = loop.time() + hold, list(rows)
        try:
            while left:
                row = left[0]
                if row.sent_at is not None:   # handed over by a process that then stopped
                    left.pop(0)
                    self._held[row.platform] -= 1
                    self.outcomes.unknown(row)
                    continue
                slot, wait = await self._place(row, 0.0 if row.card_key else deadline - loop.time())
                if slot is None:
                    self.observer.deferred(row.platform)
                    self._put_back(left, self.clock() + timedelta(seconds=wait))
                    return
                left.pop(0)
                self._held[row.platform] -= 1
                try:
                    async with self._slots[row.platform]:
                        # A send handed to the platform is seen through even when we stop, so
                        # its outcome is recorded (cut off, the row would wait for its claim).
                        sending = asyncio.ensure_future(send_row(
                            self.adapters, self.store, self.outcomes, row, self.handover,
                            leaving=partial(self.rate.leaving, slot)))
                        try:
                            retry_at = await asyncio.shield(sending)
                        except asyncio.CancelledError:
                            await sending
                            raise
                finally:
                    self.rate.answered(slot)
                    self.figures.answered(slot.taken, slot.left, self.rate.clock())
                if retry_at is not None:
                    self._put_back(left, retry_at)
                    return
        except asyncio.CancelledError:
            self._put_back(left, self.clock())
            raise
        except Exception:  # e.g. an adapter's limits() failing: the chat waits, the worker lives
            log.exception("delivering to %s %s failed", rows[0].platform, rows[0].target_id)
            self._put_back(left, self.clock() + BUSY_RETRY)

    async def _place(self, row: OutboxMessage, patience: float) -> tuple[Slot | None, float]:
        """A place in every window the row needs, waiting up to `patience` seconds; else
        (None, the seconds still to wait). First the chat's own windows, then, in the
        platform's queue, the windows it shares with every chat."""
        loop = asyncio.get_running_loop()
        until = loop.time() + patience
        specs = self._limits(row)
        shared = self._shared.get(row.platform) or []
        own = [spec for spec in specs if spec not in shared]
        while (wait := self.rate.wait(own)) > 0:
            if loop.time() + wait > until:
                return None, wait
            await asyncio.sleep(wait)
        # A live card is never held (see _deliver_in_order), so it is not paced either: it
        # goes when the platform's windows allow, else back to the outbox.
        paced = not row.card_key
        queue = self._queues.get(row.platform)
        if queue is not None:
            return await queue.place(specs, until, paced)
        while True:
            wait, slot = self.rate.take(specs, paced)
            if slot is not None:
                return slot, 0.0
            if loop.time() + wait > until:
                return None, wait
            await asyncio.sleep(wait)

    def _put_back(self, rows: list[OutboxMessage], at: datetime) -> None:
        self.outcomes.put_back(rows, at)
        for row in rows:
            self._held[row.platform] -= 1
        rows.clear()
