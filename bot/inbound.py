"""The one inbound path every platform edge takes once it has verified and parsed a request.

An edge only verifies (refusing with `Refused`), parses the platform's payload into a neutral
event, calls `InboundPipeline.handle` with what its platform allows (how long it waits for the
HTTP answer, whether it shows toasts, how photos are fetched), and renders the answer.

The pipeline, the same for every edge:
1. keeps the message's photos in our media store, each within a bounded time and never past the
   answer deadline (platform resource keys expire; a failed fetch passes the key on);
2. dispatches within what is left of the deadline; if the handler needs longer, the edge acks
   first and the work finishes after (it commits either way; `on_late` gets its answer);
3. where the platform has no toast, the dispatcher writes the toast as a message to the presser
   in the event's own transaction (`ToastFallback`).
"""
from __future__ import annotations

import asyncio
import dataclasses
import logging
from typing import Awaitable, Callable

from bot.delivery.ports import DeliveryError
from bot.media import MediaError, MediaStore
from handlers.chat.contract import Inbound, Message
from handlers.chat.dispatch import Ack, Dispatcher, ToastFallback

log = logging.getLogger(__name__)

MediaFetcher = Callable[[str], Awaitable[tuple[bytes, str]]]   # ref -> (bytes, content type)
LateAnswer = Callable[[Ack], Awaitable[None]]


class Refused(Exception):
    """A request that is not an authentic, readable callback for us. `status` is the HTTP
    answer; `reason` goes to the log only, never back to the caller."""

    def __init__(self, reason: str, status: int = 400) -> None:
        super().__init__(reason)
        self.status, self.reason = status, reason


@dataclasses.dataclass(frozen=True)
class Answering:
    """What one kind of callback allows: the seconds the platform waits for our HTTP answer
    (less room for the network), and per photo kept before dispatch."""
    deadline: float
    photo_seconds: float = 1.0
    toast_fallback: ToastFallback | None = None   # None: the platform shows toasts itself


class InboundPipeline:
    def __init__(self, dispatcher: Dispatcher, media: MediaStore) -> None:
        self.dispatcher, self.media = dispatcher, media
        self._late: set[asyncio.Task] = set()

    async def handle(self, event: Inbound, answering: Answering, *, started: float | None = None,
                     fetch: MediaFetcher | None = None, fetchable: Callable[[str], bool] = bool,
                     inline_card: bool = False, on_late: LateAnswer | None = None) -> Ack | None:
        """The event's answer, or None when it did not finish within the deadline (the edge
        then acks with an empty answer). `started`: the loop time the request arrived."""
        loop = asyncio.get_running_loop()
        started = loop.time() if started is None else started
        if isinstance(event, Message) and fetch is not None:
            event = await self._keep_photos(event, fetch, fetchable, answering, started)
        left = max(answering.deadline - (loop.time() - started), 0.0)
        work = asyncio.ensure_future(self.dispatcher.handle(
            event, inline_card=inline_card, toast_fallback=answering.toast_fallback))
        try:
            return await asyncio.wait_for(asyncio.shield(work), left)
        except asyncio.TimeoutError:
            log.warning("%s event %s: not done within the answer deadline; acking first",
                        event.platform, event.event_id)
            late = asyncio.create_task(self._finish_late(work, on_late))
            self._late.add(late)
            late.add_done_callback(self._late.discard)
            return None

    async def where_card_was_posted(self, platform: str, message_id: str) -> tuple[str, str] | None:
        """(target kind, target id) of one of our posted cards, for platforms whose button
        callbacks do not say which chat the card is in."""
        return await self.dispatcher.card_target(platform, message_id)

    async def _keep_photos(self, message: Message, fetch: MediaFetcher, fetchable: Callable[[str], bool],
                           answering: Answering, started: float) -> Message:
        """Keep our own copy (/media/…) of each photo so a ticket shows it on any page and
        card later. A known duplicate is not fetched again."""
        wanted = [a for a in message.attachments if a.kind == "image" and a.ref and fetchable(a.ref)]
        if not wanted or await self.dispatcher.seen(message.platform, message.event_id):
            return message
        loop = asyncio.get_running_loop()
        kept = []
        for attachment in message.attachments:
            if attachment in wanted:
                left = answering.deadline - (loop.time() - started)
                try:
                    data, kind = await asyncio.wait_for(fetch(attachment.ref),
                                                        max(min(answering.photo_seconds, left), 0.0))
                    attachment = dataclasses.replace(attachment, ref=self.media.save(data, kind))
                except (DeliveryError, MediaError, asyncio.TimeoutError, TypeError) as error:
                    log.warning("%s photo %s not kept: %s", message.platform, attachment.ref, error)
            kept.append(attachment)
        return dataclasses.replace(message, attachments=tuple(kept))

    async def _finish_late(self, work: asyncio.Future, on_late: LateAnswer | None) -> None:
        ack = await work
        if on_late is None:
            return
        try:
            await on_late(ack)
        except Exception:  # the next change redraws the card anyway; say so, don't lose it
            log.exception("late answer failed")

    async def settle(self, timeout: float | None = None) -> None:
        """Wait for work that outlived its ack (shutdown, tests)."""
        if self._late:
            await asyncio.wait(list(self._late), timeout=timeout)
