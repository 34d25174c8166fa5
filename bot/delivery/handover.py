"""Write-ahead marks for sends a platform cannot recognise when they come again.

Feishu (the row's uuid), WeCom (duplicate check) and DingTalk's interactive cards (outTrackId)
drop a second send under the same key, so a row whose outcome a crash kept us from recording is
simply sent again. DingTalk's robot messages (sessionWebhook, groupMessages/send,
oToMessages/batchSend) carry no such key: sent again, they reach the chat twice. For those, the
worker first notes in the row that it is handing it over (`sent_at` set while the row is still
`sending`, committed before the request leaves); a process that later claims a row so marked
(its claim ran out: the sender was killed) does not send it again but records it as sent with
its outcome unknown (bot/delivery/outcomes.py). Why not simply record each such send right after
it: the platform has the message from the moment the request arrives, before we can commit
anything, so that would only narrow the window in which a crash doubles it; the mark closes it.
What it costs: a crash between the mark's commit and the request reaching the platform (a
millisecond or two; tens in a worker busy with a backlog) leaves a message recorded as sent that
never arrived (logged with its row and chat, never silent). docs/delivery.md says why that side.

Marks are committed together (group commit): the sends in flight at once share one transaction.
"""
from __future__ import annotations

import asyncio
from typing import Callable

from datetime import datetime

from domain.errors import StoreBusy
from domain.store.models import OutboxMessage
from domain.store.uow import Store


class HandOver:
    def __init__(self, store: Store, clock: Callable[[], datetime], token: str) -> None:
        self.store, self.clock, self.token = store, clock, token
        self._waiting: dict[int, asyncio.Future[bool]] = {}
        self._flushing: asyncio.Task | None = None

    async def mark(self, row: OutboxMessage) -> bool:
        """Commits that `row` is being handed to the platform. True: send it now; False: it is no
        longer ours (its claim ran out and another process took it: that one decides). Raises
        StoreBusy when the database did not take the mark (then it must not be sent yet)."""
        future = asyncio.get_running_loop().create_future()
        self._waiting[row.id] = future
        if self._flushing is None or self._flushing.done():
            self._flushing = asyncio.create_task(self._flush())
        return await future

    async def _flush(self) -> None:
        while self._waiting:
            batch, self._waiting = self._waiting, {}
            try:
                async with self.store.transaction() as tx:
                    ours = await tx.outbox.hand_over(list(batch), self.clock(), self.token)
            except Exception as error:  # noqa: BLE001 - every sender learns it, none sends
                busy = error if isinstance(error, StoreBusy) else StoreBusy(f"{type(error).__name__}: {error}")
                for future in batch.values():
                    if not future.done():
                        future.set_exception(busy)
                continue
            for row_id, future in batch.items():
                if not future.done():
                    future.set_result(row_id in ours)
