"""The inbox consumer: handles the events the edges stored, oldest first, after their 200.

Rows are read in batches and handed to a lane chosen by their chat, so one chat's events are
handled in the order they came (a photo after its report) while different chats run side by
side, at most `lanes` at a time. When several events wait in a lane, up to `max_group` of them,
each of a different chat, are handled in one transaction (Dispatcher.handle_many: each keeps its
own savepoint, claim and replies; BEGIN and COMMIT are shared, which is most of what a small
event costs). A handled event's row is removed with the writer's next batch;
one the database could not take (StoreBusy) stays and is tried again a little later. After a
crash or restart the rows still there are simply handled then; the dispatcher's
de-duplication makes a second attempt of a handled event a no-op.

The consumer may run in the web process (woken by the writer) or in a worker process of its
own (`sitebot work`), which looks at the inbox every `poll_seconds`.

On PostgreSQL the inbox is one table shared by every replica, and nothing claims a row: so
only one process at a time handles it (`run`, under the "sitebot:inbox" lease, bot/runtime.py),
as one sends. Two would each handle every row (the second a no-op, but CPU, lock waits and
deadlocks), and one chat's events could run on two processes at once, out of order. The holder
looks every `poll_seconds` (0.05 s) for rows other replicas' edges stored; its own writer wakes
it at once. When it dies another takes the lease within seconds and handles what was left,
rows that were in flight included (de-duplication makes a second attempt a no-op).
"""
from __future__ import annotations

import asyncio
import logging
import zlib
from datetime import datetime, timedelta
from typing import Callable, Iterator

from bot.inbound import ANSWERED_INLINE, InboundPipeline
from domain.errors import StoreBusy
from domain.store.inbox import Inbox
from domain.store.inbox_writer import InboxWriter
from domain.store.models import InboxEvent
from handlers.chat.contract import from_record

log = logging.getLogger(__name__)
RETRY_AFTER = timedelta(seconds=5)


class InboxConsumer:
    def __init__(self, inbox: Inbox, writer: InboxWriter, pipeline: InboundPipeline,
                 clock: Callable[[], datetime], *, lanes: int = 4, batch: int = 500,
                 max_in_flight: int = 2000, poll_seconds: float = 5.0, sweep_seconds: float = 5.0,
                 max_group: int = 20) -> None:
        self.inbox, self.writer, self.pipeline, self.clock = inbox, writer, pipeline, clock
        self.batch, self.max_in_flight, self.max_group = batch, max_in_flight, max_group
        self.poll_seconds, self.sweep_seconds = poll_seconds, sweep_seconds
        self._lanes: list[asyncio.Queue[InboxEvent]] = [asyncio.Queue() for _ in range(lanes)]
        self._in_flight: set[int] = set()
        self._high = 0                      # highest row id handed out since the last sweep
        self._wake = asyncio.Event()
        self._tasks: list[asyncio.Task] = []

    def poke(self) -> None:
        """New rows were stored (by this process's writer)."""
        self._wake.set()

    async def run(self) -> None:
        """Handles rows until cancelled: what the inbox lease holder runs (bot/runtime.py).
        Starts afresh each time, since rows handed out before a lost lease may be another
        holder's by now."""
        self._lanes = [asyncio.Queue() for _ in self._lanes]
        self._in_flight, self._high = set(), 0
        self._wake.set()   # look at once: rows may have waited while another process held it
        self.start()
        try:
            await asyncio.gather(*self._tasks)
        finally:
            await self.stop()

    def start(self) -> None:
        self._tasks = [asyncio.create_task(self._lane(q), name=f"inbox-lane-{i}")
                       for i, q in enumerate(self._lanes)]
        self._tasks.append(asyncio.create_task(self._feed(), name="inbox-feed"))

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks = []

    async def drain(self) -> int:
        """Handle every row that is due now, in order, grouped as a lane groups them; returns
        how many (tests, and a process that runs no background consumer)."""
        done, seen = 0, 0
        while True:
            rows = await self.inbox.waiting(self.clock(), after_id=seen, limit=self.batch)
            if not rows:
                await self.writer.flush()
                return done
            for group in self._groups(rows):
                await self._handle(group)
            seen, done = rows[-1].id, done + len(rows)

    def _groups(self, rows: list[InboxEvent]) -> Iterator[list[InboxEvent]]:
        """Runs of consecutive rows of different chats, at most `max_group` long."""
        group: list[InboxEvent] = []
        for row in rows:
            if group and not self._joins(row, group):
                yield group
                group = []
            group.append(row)
        if group:
            yield group

    def _joins(self, row: InboxEvent, group: list[InboxEvent]) -> bool:
        """Whether `row` may be handled in one transaction with `group`: not a press that was
        answered inline (handled alone, see InboundPipeline.process), and of another chat."""
        return (len(group) < self.max_group and _groupable(row) and _groupable(group[0])
                and all(self._chat(row) != self._chat(other) for other in group))

    async def _feed(self) -> None:
        loop = asyncio.get_running_loop()
        last_sweep = loop.time()
        while True:
            try:
                await asyncio.wait_for(self._wake.wait(), self.poll_seconds)
            except asyncio.TimeoutError:
                pass
            self._wake.clear()
            if loop.time() - last_sweep >= self.sweep_seconds:
                self._high, last_sweep = 0, loop.time()   # look again at held and retried rows
            try:
                await self._fill()
            except StoreBusy as error:
                log.warning("inbox: could not read (%s); trying again", error)
            except Exception:  # keep feeding; a bug here must not stop all handling
                log.exception("inbox: reading failed")

    async def _fill(self) -> None:
        while len(self._in_flight) < self.max_in_flight:
            room = min(self.batch, self.max_in_flight - len(self._in_flight))
            rows = await self.inbox.waiting(self.clock(), after_id=self._high, limit=room,
                                            skip=self._in_flight)
            for row in rows:
                self._in_flight.add(row.id)
                self._high = max(self._high, row.id)
                self._lanes[self._lane_of(row)].put_nowait(row)
            if len(rows) < room:
                return

    @staticmethod
    def _chat(row: InboxEvent) -> str:
        return f"{row.platform}:{(row.event.get('conversation') or {}).get('chat_id', '')}"

    def _lane_of(self, row: InboxEvent) -> int:
        return zlib.crc32(self._chat(row).encode()) % len(self._lanes)

    async def _lane(self, queue: asyncio.Queue[InboxEvent]) -> None:
        held: InboxEvent | None = None     # the next group's first row (its chat was in this one)
        while True:
            group = [held or await queue.get()]
            held = None
            while not queue.empty():
                row = queue.get_nowait()
                if not self._joins(row, group):
                    held = row
                    break
                group.append(row)
            try:
                await self._handle(group)
            finally:
                for row in group:
                    self._in_flight.discard(row.id)
                if len(self._in_flight) < self.max_in_flight // 2:
                    self._wake.set()

    async def _handle(self, rows: list[InboxEvent]) -> None:
        if len(rows) == 1:
            await self._handle_one(rows[0])
            return
        try:
            events = [from_record(row.event) for row in rows]
            await self.pipeline.process_many(events)
        except StoreBusy as error:
            log.warning("inbox: %d events postponed, database busy: %s", len(rows), error)
            for row in rows:
                await self._postpone(row)
            return
        except Exception:  # one bad row must not hold the others back: each alone
            log.exception("inbox: %d events could not be handled together; each alone", len(rows))
            for row in rows:
                await self._handle_one(row)
            return
        for row in rows:
            self.writer.handled(row.platform, row.event_id)

    async def _handle_one(self, row: InboxEvent) -> None:
        record = dict(row.event)
        answered_inline = bool(record.pop(ANSWERED_INLINE, False))
        try:
            await self.pipeline.process(from_record(record), answered_inline=answered_inline)
        except StoreBusy as error:
            log.warning("inbox: %s/%s postponed, database busy: %s", row.platform, row.event_id, error)
            await self._postpone(row)
            return
        except Exception:  # the dispatcher records handler failures itself; this is ours
            log.exception("inbox: %s/%s could not be handled", row.platform, row.event_id)
            await self._postpone(row)
            return
        self.writer.handled(row.platform, row.event_id)

    async def _postpone(self, row: InboxEvent) -> None:
        try:
            await self.inbox.postpone(row.id, self.clock() + RETRY_AFTER)
        except Exception as error:  # still there either way; the next sweep finds it
            log.warning("inbox: could not postpone %s: %s", row.id, error)


def _groupable(row: InboxEvent) -> bool:
    return not row.event.get(ANSWERED_INLINE)
