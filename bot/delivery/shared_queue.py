"""A platform's sends waiting for the windows every chat shares (Feishu's 50 a second and 1000 a
minute per app), first come first served.

One pacer per platform lets through, in one turn of the event loop, every waiting send the
windows have room for. (An asyncio.Lock held while sleeping for the next place let one send
through per turn: in the worker process, where the inbox's handlers hold the loop for ~10 ms a
turn, that capped delivery near 20 a second whatever the limits allowed.) A send that finds
nobody waiting and room at once takes its place without waiting for a turn at all.
"""
from __future__ import annotations

import asyncio
from collections import deque

from bot.delivery.limits import LimitSpec, RateLimits, Slot


class _Waiter:
    __slots__ = ("specs", "paced", "until", "future")

    def __init__(self, specs: list[LimitSpec], paced: bool, until: float, future: asyncio.Future) -> None:
        self.specs, self.paced, self.until, self.future = specs, paced, until, future


class SharedQueue:
    def __init__(self, rate: RateLimits) -> None:
        self.rate = rate
        self._waiting: deque[_Waiter] = deque()
        self._pacer: asyncio.Task | None = None

    async def place(self, specs: list[LimitSpec], until: float,
                    paced: bool = True) -> tuple[Slot | None, float]:
        """A place in every window of `specs`, in turn, waiting until loop time `until` at most;
        else (None, the seconds still to wait). `paced`: see RateLimits.take."""
        loop = asyncio.get_running_loop()
        if not self._waiting:
            wait, slot = self.rate.take(specs, paced)
            if slot is not None:
                return slot, 0.0
            if loop.time() + wait > until:
                return None, wait
        waiter = _Waiter(specs, paced, until, loop.create_future())
        self._waiting.append(waiter)
        if self._pacer is None or self._pacer.done():
            self._pacer = asyncio.create_task(self._pace())
        try:
            return await waiter.future
        except asyncio.CancelledError:
            # Granted just as we were cancelled: give the place back (else the window would
            # count a send that never left, for good).
            if waiter.future.done() and not waiter.future.cancelled():
                slot, _ = waiter.future.result()
                if slot is not None:
                    self.rate.answered(slot)
            raise

    async def _pace(self) -> None:
        loop = asyncio.get_running_loop()
        while self._waiting:
            head = self._waiting[0]
            if head.future.done():          # its sender was cancelled
                self._waiting.popleft()
                continue
            wait, slot = self.rate.take(head.specs, head.paced)
            if slot is not None:
                self._waiting.popleft()
                head.future.set_result((slot, 0.0))
            elif loop.time() + wait > head.until:
                self._waiting.popleft()
                head.future.set_result((None, wait))
            else:
                await asyncio.sleep(wait)
