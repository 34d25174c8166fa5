"""One inbound event, end to end, in one transaction: de-duplicate, find who and where, run
the handler (inside a savepoint, so a refused command writes nothing), and queue the replies
and card refreshes in the outbox."""
from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Callable

from domain.errors import Conflict, DomainError, StoreBusy
from domain.store.uow import Store, Tx
from handlers.chat.area import ActionHandler
from handlers.chat.cards import Card
from handlers.chat.context import Ctx, Deps
from handlers.chat.contract import (CardClick, Inbound, Joined, Message, Outgoing, Target, Text, Toast,
                                    Unverified)
from handlers.chat.outbox_writer import queue_reply
from handlers.chat.router import Router
from handlers.chat.scope import check_click, check_command, customer_copies

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Ack:
    """What the platform edge answers right away."""
    duplicate: bool = False
    toast: Toast | None = None
    card: Card | None = None   # the clicked card's new state, when asked for inline


@dataclass(frozen=True)
class ToastFallback:
    """For platforms that cannot show a toast: a button press's toast goes out as a message,
    written in the press's own transaction (so a platform retry cannot say it twice)."""
    kinds: frozenset[str] | None = None   # which kinds are worth a message (None: all)
    in_chat: bool = False                 # in the card's chat, named "张三：…" (else one-to-one)

    def message(self, click: CardClick, toast: Toast) -> Outgoing | None:
        if self.kinds is not None and toast.kind not in self.kinds:
            return None
        if not self.in_chat:
            target = Target(click.platform, "user", click.actor.user_id)
            return Outgoing(target, Text(toast.text), key="toast")
        name, group = click.actor.name, click.conversation.is_group
        text = f"{name}：{toast.text}" if name and group else toast.text
        return Outgoing(Target(click.platform, "chat", click.conversation.chat_id), Text(text),
                        key="toast")


class Dispatcher:
    def __init__(self, store: Store, deps: Deps, router: Router, actions: dict[str, ActionHandler],
                 clock: Callable[[], datetime], on_queued: Callable[[], None] = lambda: None) -> None:
        self.store, self.deps, self.router, self.actions = store, deps, router, actions
        self.clock, self.on_queued = clock, on_queued

    async def handle(self, event: Inbound, *, inline_card: bool = False,
                     toast_fallback: ToastFallback | None = None) -> Ack:
        """`inline_card`: the edge will show the clicked card's new state in its HTTP answer,
        so no separate update is queued for that one copy. `toast_fallback`: the platform
        shows no toasts (see ToastFallback)."""
        now = self.clock()
        fallback = toast_fallback if isinstance(event, CardClick) else None
        try:
            ack = await self._handle(event, now, inline_card, fallback)
        except StoreBusy:
            raise  # nothing was written: the inbox keeps the event and tries again later
        except Conflict:
            # Someone changed the same row between our read and our commit; everything rolled
            # back. Say so plainly (the user can press again) instead of "internal error".
            text = self.deps.t(self.deps.default_locale, "error.conflict")
            ack = await self._record_failure(event, now, text, "refused", Toast(text, "warning"),
                                             fallback)
        except Exception:
            ref = uuid.uuid4().hex[:8]
            log.exception("event %s/%s failed (ref %s)", event.platform, event.event_id, ref)
            text = self.deps.t(self.deps.default_locale, "error.internal", ref=ref)
            ack = await self._record_failure(event, now, text, "error", Toast(text, "error"),
                                             fallback)
        self.on_queued()
        return ack

    async def seen(self, platform: str, event_id: str) -> bool:
        """Whether this delivery was handled before (a platform retry)."""
        async with self.store.transaction() as tx:
            return await tx.inbound.get(platform, event_id) is not None

    async def card_target(self, platform: str, message_id: str) -> tuple[str, str] | None:
        """(target kind, target id) where one of our cards was posted, or None."""
        async with self.store.transaction() as tx:
            post = await tx.outbox.post(platform, message_id)
            return (post.target_type, post.target_id) if post else None

    async def _handle(self, event: Inbound, now: datetime, inline_card: bool,
                      fallback: ToastFallback | None) -> Ack:
        kind = {CardClick: "action", Joined: "joined", Unverified: "unverified"}.get(type(event), "message")
        async with self.store.transaction() as tx:
            row = await tx.inbound.claim(event.platform, event.event_id, kind, now)
            if row is None:
                return await self._duplicate(tx, event)
            if isinstance(event, CardClick) and event.card_handle and event.message_id:
                await tx.outbox.keep_post_handle(event.platform, event.message_id, event.card_handle)
            ctx = await self._context(tx, event, now)
            status = "done"
            try:
                async with tx.savepoint():
                    await self._route(ctx)
            except DomainError as error:
                status = "refused"
                ctx.reply.messages.clear()
                ctx.reply.changed_cards.clear()
                self._explain(ctx, error)
            await customer_copies(ctx)
            toast = ctx.reply.toast
            told = fallback.message(event, toast) if fallback and toast else None
            if told is not None:
                ctx.reply.messages.append(told)
            inline = await self._queue(ctx, inline_card)
            await tx.inbound.finish(row, status, {"toast": [toast.text, toast.kind] if toast else None})
            return Ack(toast=toast, card=inline)

    async def _context(self, tx: Tx, event: Inbound, now: datetime) -> Ctx:
        person = await tx.people.by_identity(event.platform, event.actor.user_id)
        binding, project = await tx.projects.binding_and_project(event.platform,
                                                                 event.conversation.chat_id)
        locale = (person.locale if person else None) or self.deps.default_locale
        return Ctx(tx, self.deps, event, now, person, binding, project, locale)

    async def _route(self, ctx: Ctx) -> None:
        event = ctx.event
        if isinstance(event, CardClick):
            handler = self.actions.get(event.action)
            if handler is None:
                ctx.toast(ctx.t("error.stale_button"), "warning")
            elif ctx.person is None:
                ctx.toast(ctx.t("error.not_allowed"), "error")
            else:
                await check_click(ctx, event.action)
                await handler(ctx, dict(event.value))
            return
        if isinstance(event, Joined):
            if self.router.on_joined is not None:
                await self.router.on_joined(ctx)
            return
        if isinstance(event, Unverified):   # nothing of it is acted on; only ask for it again
            at = self.deps.local(datetime.fromisoformat(event.sent_at), "%H:%M:%S")
            ctx.say(ctx.t("inbound.send_again", at=at))
            return
        await self._route_message(ctx, event)

    async def _route_message(self, ctx: Ctx, message: Message) -> None:
        text = message.text.strip()
        if len(text) > self.deps.max_message_length:
            ctx.say(ctx.t("error.too_long", length=len(text), limit=self.deps.max_message_length))
            return
        match = self.router.match(text, strict=not message.addressed) if text else None
        if match is not None and match.locale:
            ctx.locale = match.locale
        if ctx.person is None:
            if message.addressed:
                ctx.say(ctx.t("access.unknown_sender", name=message.actor.name or ""))
            return
        if match is None and self.router.fallback is not None:
            await self.router.fallback(ctx, text)
            return
        if match is None:
            if message.addressed:
                ctx.say(ctx.t("help.unknown", text=text[:20]) if text else ctx.t("help.empty"))
            return
        await check_command(ctx, match.route, match.args)   # what a customer-facing chat is told
        await match.route.handler(ctx, match.args)

    def _explain(self, ctx: Ctx, error: DomainError) -> None:
        text = ctx.t(error.key, **error.params)
        if ctx.is_click:
            ctx.toast(text, "error" if error.key == "error.not_allowed" else "warning")
        else:
            ctx.say(text)

    async def _queue(self, ctx: Ctx, inline_card: bool) -> Card | None:
        event = ctx.event
        clicked = event.message_id if isinstance(event, CardClick) and inline_card else None
        return await queue_reply(ctx.tx, self.deps, ctx.reply, f"{event.platform}:{event.event_id}",
                                 ctx.now, inline_for=(event.platform, clicked) if clicked else None)

    async def _duplicate(self, tx: Tx, event: Inbound) -> Ack:
        row = await tx.inbound.get(event.platform, event.event_id)
        toast = row.response.get("toast") if row else None
        return Ack(duplicate=True, toast=Toast(*toast) if toast else None)

    async def _record_failure(self, event: Inbound, now: datetime, text: str, status: str,
                              toast: Toast, fallback: ToastFallback | None) -> Ack:
        """The event's transaction rolled back: remember the event (so a platform retry does
        not repeat a half-known effect) and tell the user."""
        try:
            async with self.store.transaction() as tx:
                row = await tx.inbound.claim(event.platform, event.event_id, "error", now)
                if row is None:
                    return Ack(duplicate=True)
                await tx.inbound.finish(row, status, {"toast": [toast.text, toast.kind]})
                if isinstance(event, Message):
                    await tx.outbox.enqueue(key=f"{event.platform}:{event.event_id}:error",
                                            platform=event.platform, target_type="chat",
                                            target_id=event.conversation.chat_id,
                                            payload=Text(text).to_payload(), now=now)
                told = fallback.message(event, toast) if fallback else None
                if told is not None:
                    await tx.outbox.enqueue(key=f"{event.platform}:{event.event_id}:toast",
                                            platform=told.target.platform,
                                            target_type=told.target.kind, target_id=told.target.id,
                                            payload=told.body.to_payload(), now=now)
        except Exception:
            log.exception("could not record failed event %s/%s", event.platform, event.event_id)
        return Ack(toast=toast)
