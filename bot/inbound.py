"""The one inbound path every platform edge takes once it has verified and parsed a request.

An edge only verifies (refusing with `Refused`), parses the platform's payload into a neutral
event, hands it here and renders the answer:
- `accept(event)` for what the platform only needs acknowledged (messages, most presses):
  the event is stored in the inbox (group commit, see domain/store/inbox_writer.py) and the
  edge answers 200 once it is on disk; the inbox consumer (bot/inbox.py) handles it after.
  When the inbox cannot take more, `accept` raises `Busy` and the edge answers with a status
  that makes the platform deliver again: never a 200 for an event that is not stored.
  Where the platform's signature signs no content (DingTalk), the edge passes it along
  (`OneUseSignature`): it vouches for the first event stored with it, in any process, and
  `accept` refuses any other (`SignatureReused`), storing the edge's `instead` in its place.
- `handle_now(event, answering)` for a press whose answer shows the new card (Feishu's card
  callback, DingTalk's interactive card, the console): stored first all the same, then handled
  within the platform's answer deadline; if that is not enough, the edge acks and the work
  finishes after (`on_late` gets its answer). The event leaves the inbox only once the
  presser was shown the new card; otherwise (a crash, a failed late answer) the inbox takes
  it up after the hold, and if it was handled already, redraws the pressed card.

Handling, the same for every edge: keep the message's photos in our media store, each within a
bounded time (platform resource keys expire; a failed fetch passes the key on); dispatch; where
the platform has no toast, the dispatcher writes the toast as a message to the presser in the
event's own transaction (`ToastFallback`).
"""
from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
from datetime import datetime, timedelta
from typing import Awaitable, Callable, Sequence

from bot.delivery.ports import DeliveryError
from bot.files_store import FileStore
from bot.inbound_files import FileFetcher, keep_files
from bot.voice import Transcriber, transcribe_voice
from bot.names import NameBook
from bot.observe import NO_OBSERVER
from bot.media import MediaError, MediaStore
from domain.errors import StoreBusy
from domain.store.inbox_writer import Arrival, InboxDown, InboxFull, InboxWriter, SignatureClaim
from handlers.chat.contract import CardClick, Inbound, Message, Reply, to_record
from handlers.chat.dispatch import Ack, Dispatcher, ToastFallback
from handlers.chat.outbox_writer import queue_reply

log = logging.getLogger(__name__)

MediaFetcher = Callable[[str], Awaitable[tuple[bytes, str]]]   # ref -> (bytes, content type)
LateAnswer = Callable[[Ack], Awaitable[None]]
# How long past its answer deadline the inbox leaves a press alone while it is handled inline
# (work that outlives the deadline goes on after the ack). Past that, the inbox takes it up:
# after a crash, that is how soon it is handled; should the inline work still be running, the
# event's (platform, event_id) claim lets only one of the two act, the other is a duplicate.
INLINE_GRACE = timedelta(seconds=10)
# Marks a stored event whose new card was to be shown by the edge's own answer (handle_now).
ANSWERED_INLINE = "answered_inline"


class Refused(Exception):
    """A request that is not an authentic, readable callback for us. `status` is the HTTP
    answer; `reason` goes to the log only, never back to the caller."""

    def __init__(self, reason: str, status: int = 400) -> None:
        super().__init__(reason)
        self.status, self.reason = status, reason


class SignatureReused(Refused):
    """The signature was already bound to another event: this one is not acted on."""

    def __init__(self) -> None:
        super().__init__("signature already used by another message", 401)


@dataclasses.dataclass(frozen=True)
class OneUseSignature:
    """A signature that signs no content (DingTalk's covers only a timestamp): it may vouch for
    one event, the first stored with it, until `valid_until`. `digest`: what is kept of it.
    `instead`: stored when it is already bound to another event (e.g. asking that chat to send
    the message again), since the platform will not deliver it again."""
    digest: str
    valid_until: datetime
    instead: Inbound | None = None


class Busy(Exception):
    """The event could not be stored now; the platform should deliver it again."""

    retry_after = 1  # seconds, for a Retry-After header where the platform reads one


@dataclasses.dataclass(frozen=True)
class Answering:
    """What one kind of callback allows: the seconds the platform waits for our HTTP answer
    (less room for the network), and how a toast reaches someone on a platform without toasts."""
    deadline: float
    toast_fallback: ToastFallback | None = None   # None: the platform shows toasts itself


@dataclasses.dataclass(frozen=True)
class Handling:
    """How a platform's stored events are handled: photos fetched with `fetch` (refs for which
    `fetchable` is true, at most `photo_seconds` each), toasts as `toast_fallback` says."""
    fetch: MediaFetcher | None = None
    fetchable: Callable[[str], bool] = bool
    photo_seconds: float = 3.0
    toast_fallback: ToastFallback | None = None
    # A file message's file (a spreadsheet to import), kept before the handler runs.
    fetch_file: FileFetcher | None = None
    # Real names for the ids a message carries (its sender, its @-mentions), from the platform.
    names: NameBook | None = None
    # A voice message's transcript (bot/voice.py), made before the handler runs.
    transcribe: Transcriber | None = None


class InboundPipeline:
    def __init__(self, dispatcher: Dispatcher, media: MediaStore, writer: InboxWriter,
                 clock: Callable[[], datetime]) -> None:
        self.dispatcher, self.media, self.writer, self.clock = dispatcher, media, writer, clock
        self._handling: dict[str, Handling] = {}
        self._late: set[asyncio.Task] = set()
        self.observer = NO_OBSERVER   # the composition root's metrics (bot/observe.py)

    def register(self, platform: str, handling: Handling) -> None:
        """An edge, when it starts: how its stored events are handled."""
        self._handling[platform] = handling

    async def accept(self, event: Inbound, *, signature: OneUseSignature | None = None) -> None:
        """Store the event for the inbox consumer; returns once it is durable. Raises Busy, and
        SignatureReused when `signature` vouches for another event already."""
        await self._store(event, self.clock(), signature)

    async def bind_signature(self, platform: str, event_id: str, signature: OneUseSignature) -> None:
        """An event we ignore still uses up its signature: it must not vouch for another one."""
        await self._put(Arrival(platform, event_id, None, self.clock(), self.clock(),
                                _claim(signature)), platform, event_id)

    async def handle_now(self, event: Inbound, answering: Answering, *, started: float | None = None,
                         inline_card: bool = False, on_late: LateAnswer | None = None) -> Ack | None:
        """Store, then handle within the deadline. The answer, or None when the deadline passed
        first (the edge then acks with an empty answer). `started`: the loop time the request
        arrived. Raises Busy when the event cannot even be stored."""
        loop = asyncio.get_running_loop()
        started = loop.time() if started is None else started
        await self._store(event, self.clock() + timedelta(seconds=answering.deadline) + INLINE_GRACE,
                          inline=inline_card)
        left = max(answering.deadline - (loop.time() - started), 0.0)
        work = asyncio.ensure_future(self.dispatcher.handle(
            event, inline_card=inline_card, toast_fallback=answering.toast_fallback))
        try:
            ack = await asyncio.wait_for(asyncio.shield(work), left)
        except StoreBusy:
            log.warning("%s event %s: database busy; the inbox will handle it", event.platform,
                        event.event_id)
            return None
        except asyncio.TimeoutError:
            log.warning("%s event %s: not done within the answer deadline; acking first",
                        event.platform, event.event_id)
            late = asyncio.create_task(self._finish_late(event, work, on_late))
            self._late.add(late)
            late.add_done_callback(self._late.discard)
            return None
        self.writer.handled(event.platform, event.event_id)   # the edge answers with its card
        return ack

    async def process(self, event: Inbound, *, answered_inline: bool = False) -> Ack:
        """Handle one stored event (the inbox consumer). Raises StoreBusy when the database
        did not answer: the event stays in the inbox. `answered_inline`: the event came through
        handle_now, whose answer was to show the pressed card's new state; if its handling is
        done already, that answer may not have been seen (a crash after the commit), so the
        card is redrawn through the outbox."""
        handling, started = self._handling.get(event.platform, Handling()), time.perf_counter()
        event = await self._kept(event, handling)
        ack = await self.dispatcher.handle(event, toast_fallback=handling.toast_fallback)
        self.observer.handled(event, "duplicate" if ack.duplicate else "done", time.perf_counter() - started)
        if answered_inline and ack.duplicate and isinstance(event, CardClick) and event.message_id:
            await self._redraw(event)
        return ack

    async def _redraw(self, click: CardClick) -> None:
        """Queue the pressed card's current state for every copy of it (once per press)."""
        store, deps = self.dispatcher.store, self.dispatcher.deps
        async with store.transaction() as tx:
            post = await tx.outbox.post(click.platform, click.message_id)
            if post is None:
                return
            await queue_reply(tx, deps, Reply(changed_cards=[post.card_key]),
                              f"{click.platform}:{click.event_id}:redraw", self.clock())
        self.dispatcher.on_queued()

    async def process_many(self, events: Sequence[Inbound]) -> list[Ack]:
        """Stored events, each of a different chat and none answered inline (the inbox
        consumer, when several wait): their photos and files kept one by one, then all handled
        in one transaction, each in a savepoint of its own (Dispatcher.handle_many). Raises
        StoreBusy as `process` does."""
        ready, started = [], time.perf_counter()
        for event in events:
            handling = self._handling.get(event.platform, Handling())
            ready.append((await self._kept(event, handling), handling.toast_fallback))
        acks = await self.dispatcher.handle_many(ready)
        each = (time.perf_counter() - started) / max(len(acks), 1)   # the group's time, shared
        for event, ack in zip(events, acks):
            self.observer.handled(event, "duplicate" if ack.duplicate else "done", each)
        return acks

    async def _kept(self, event: Inbound, handling: Handling) -> Inbound:
        """The message with our own copies of its photos and files (see _keep_photos)."""
        if isinstance(event, Message) and handling.names is not None:
            event = await handling.names.complete(event, self.dispatcher.store, self.clock())
        if isinstance(event, Message) and handling.fetch is not None:
            event = await self._keep_photos(event, handling)
        if isinstance(event, Message) and handling.fetch_file is not None:
            event = await keep_files(event, handling.fetch_file, FileStore.under(self.media.root),
                                     self.dispatcher.seen)
        if isinstance(event, Message) and handling.transcribe is not None:
            event = await transcribe_voice(event, handling.transcribe, self.dispatcher.seen)
        return event

    async def where_card_was_posted(self, platform: str, message_id: str) -> tuple[str, str] | None:
        """(target kind, target id) of one of our posted cards, for platforms whose button
        callbacks do not say which chat the card is in."""
        return await self.dispatcher.card_target(platform, message_id)

    async def _store(self, event: Inbound, not_before: datetime,
                     signature: OneUseSignature | None = None, *, inline: bool = False) -> None:
        record = {**to_record(event), ANSWERED_INLINE: True} if inline else to_record(event)
        arrival = Arrival(event.platform, event.event_id, record, self.clock(), not_before,
                          _claim(signature))
        await self._put(arrival, event.platform, event.event_id)

    async def _put(self, arrival: Arrival, platform: str, event_id: str) -> None:
        try:
            own = await self.writer.put(arrival)
        except (InboxFull, InboxDown) as error:
            log.warning("%s event %s not stored (%s): asking the platform to retry",
                        platform, event_id, type(error).__name__)
            raise Busy() from error
        if not own:
            raise SignatureReused()

    async def _keep_photos(self, message: Message, handling: Handling) -> Message:
        """Keep our own copy (/media/…) of each photo so a ticket shows it on any page and
        card later. A known duplicate is not fetched again."""
        wanted = [a for a in message.attachments
                  if a.kind == "image" and a.ref and handling.fetchable(a.ref)]
        if not wanted or await self.dispatcher.seen(message.platform, message.event_id):
            return message
        kept = []
        for attachment in message.attachments:
            if attachment in wanted:
                try:
                    data, kind = await asyncio.wait_for(handling.fetch(attachment.ref),
                                                        handling.photo_seconds)
                    attachment = dataclasses.replace(attachment, ref=self.media.save(data, kind))
                except (DeliveryError, MediaError, asyncio.TimeoutError, TypeError) as error:
                    log.warning("%s photo %s not kept: %s", message.platform, attachment.ref, error)
            kept.append(attachment)
        return dataclasses.replace(message, attachments=tuple(kept))

    async def _finish_late(self, event: Inbound, work: asyncio.Future, on_late: LateAnswer | None) -> None:
        """The work that outlived the answer, then its late answer; only then does the event
        leave the inbox, so a crash (or a failed late answer) before the presser saw the new
        card has the inbox redraw it after the hold."""
        try:
            ack = await work
        except Exception:  # StoreBusy: the inbox takes the event up again after the hold
            log.exception("inline event failed; the inbox will handle it")
            return
        if on_late is not None:
            try:
                await on_late(ack)
            except Exception:  # the inbox redraws the card through the outbox after the hold
                log.exception("late answer failed")
                return
        self.writer.handled(event.platform, event.event_id)

    async def settle(self, timeout: float | None = None) -> None:
        """Wait for work that outlived its ack (shutdown, tests)."""
        if self._late:
            await asyncio.wait(list(self._late), timeout=timeout)


def _claim(signature: OneUseSignature | None) -> SignatureClaim | None:
    if signature is None:
        return None
    instead = signature.instead
    return SignatureClaim(signature.digest, signature.valid_until,
                          (instead.event_id, to_record(instead)) if instead is not None else None)
