"""One inbound event, end to end, in a savepoint of its own: de-duplicate (the claim), find who
and where, run the handler, and queue the replies and card refreshes in the outbox. A refusal
(DomainError) undoes the handler's writes with the savepoint and answers with the reason; a
failure undoes everything and answers that it failed (handlers/chat/failures.py).

`handle` runs one event in a transaction of its own; `handle_many` runs several stored events
of different chats in one transaction (the inbox consumer, when several wait), each with its own
savepoint, claim, replies and failure: only BEGIN and COMMIT are shared."""
from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Callable, Sequence

from domain.errors import DomainError, StoreBusy
from domain.store.uow import Store, Tx
from handlers.chat.area import ActionHandler
from handlers.chat.cards import Card
from handlers.chat.context import Ctx, Deps
from handlers.chat.contract import (CardClick, Inbound, Joined, Message, Outgoing, Recalled, Target, Text,
                                    Toast, Unverified)
from handlers.chat.failures import failure_answer, record_failure
from handlers.chat.outbox_writer import queue_reply
from handlers.chat.router import Router
from handlers.chat.scope import check_click, check_command, customer_copies

log = logging.getLogger(__name__)
_KINDS = {CardClick: "action", Joined: "joined", Unverified: "unverified", Recalled: "recalled"}


# Refusals for want of a role (ticket ones name who may: domain/ticket_rules.py).
_REFUSALS = frozenset({"error.not_allowed", "who.refused", "who.nobody"})


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

    def message(self, click: CardClick, toast: Toast, card_changed: bool = False) -> Outgoing | None:
        """`card_changed`: the press changed a live card, whose redraw already says what
        happened in the chat. Only a success is said in the chat: a refusal or a warning is
        the presser's business and goes to them alone, as a toast would."""
        if self.kinds is not None and toast.kind not in self.kinds:
            return None
        if self.in_chat and toast.kind == "success" and card_changed:
            return None
        if not self.in_chat or toast.kind != "success":
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
        shows no toasts (see ToastFallback). Raises StoreBusy when the database did not
        answer: nothing was written, the inbox keeps the event and tries again later."""
        now = self.clock()
        fallback = toast_fallback if isinstance(event, CardClick) else None
        # Alone in its transaction, the event needs no savepoint (two statements and the
        # session's bookkeeping, for every event): a refusal or a failure undoes the whole
        # transaction and is written in one of its own.
        try:
            async with self.store.transaction() as tx:
                ack = await self._attempt(tx, event, now, inline_card, fallback)
        except StoreBusy:
            raise
        except _Refusal as refusal:   # the handler's writes went with the transaction
            ack = await self._refused_alone(event, now, inline_card, fallback, refusal)
        except Exception as error:  # the handler or the commit failed (e.g. a conflict)
            ack = await self._failed_alone(event, now, error, fallback)
        self.on_queued()
        return ack

    async def handle_many(self, events: Sequence[tuple[Inbound, ToastFallback | None]]) -> list[Ack]:
        """Stored events, each of a different chat, in one transaction: (event, its platform's
        toast fallback) in, their acks out, in order. Raises StoreBusy as `handle` does (then
        none of them was written); if the shared commit fails otherwise, each is done alone."""
        if len(events) == 1:
            return [await self.handle(events[0][0], toast_fallback=events[0][1])]
        now = self.clock()
        try:
            async with self.store.transaction() as tx:
                acks = []
                for event, fallback in events:
                    acks.append(await self._event(tx, event, now, False,
                                                  fallback if isinstance(event, CardClick) else None))
                    # Let the loop's other work (sends, their answers) in between: on SQLite a
                    # statement does not wait for anything, so a group would not yield at all.
                    await asyncio.sleep(0)
        except StoreBusy:
            raise
        except Exception:
            log.warning("%d events could not be committed together; each alone", len(events),
                        exc_info=True)
            return [await self.handle(event, toast_fallback=fallback) for event, fallback in events]
        self.on_queued()
        return acks

    async def seen(self, platform: str, event_id: str) -> bool:
        """Whether this delivery was handled before (a platform retry)."""
        async with self.store.transaction() as tx:
            return await tx.inbound.get(platform, event_id) is not None

    async def card_target(self, platform: str, message_id: str) -> tuple[str, str] | None:
        """(target kind, target id) where one of our cards was posted, or None."""
        async with self.store.transaction() as tx:
            post = await tx.outbox.post(platform, message_id)
            return (post.target_type, post.target_id) if post else None

    async def _event(self, tx: Tx, event: Inbound, now: datetime, inline_card: bool,
                     fallback: ToastFallback | None) -> Ack:
        try:
            try:
                async with tx.savepoint():
                    return await self._attempt(tx, event, now, inline_card, fallback)
            except _Refusal as refusal:   # the handler's writes went with the savepoint
                async with tx.savepoint():
                    return await self._refuse(tx, event, now, inline_card, fallback, refusal)
        except StoreBusy:
            raise   # the whole transaction is lost: the inbox tries its events again later
        except Exception as error:
            status, text, toast = failure_answer(self.deps, event, error)
            told = fallback.message(event, toast) if fallback else None
            if not await record_failure(tx, event, now, status, text, toast, told):
                return Ack(duplicate=True)
            return Ack(toast=toast)

    async def _attempt(self, tx: Tx, event: Inbound, now: datetime, inline_card: bool,
                       fallback: ToastFallback | None) -> Ack:
        claimed = await self._claim(tx, event, now, "done")
        if claimed is None:
            return await self._duplicate(tx, event)
        ctx = await self._context(tx, event, now)
        try:
            await self._route(ctx)
        except DomainError as error:
            raise _Refusal(error, ctx.locale, ctx.reply.toast) from error
        return await self._answer(ctx, claimed, "done", inline_card, fallback)

    async def _refuse(self, tx: Tx, event: Inbound, now: datetime, inline_card: bool,
                      fallback: ToastFallback | None, refusal: "_Refusal") -> Ack:
        """The event again, as refused, with the reason (in the language the command was in)."""
        claimed = await self._claim(tx, event, now, "refused")
        if claimed is None:
            return await self._duplicate(tx, event)
        ctx = await self._context(tx, event, now)
        ctx.locale, ctx.reply.toast = refusal.locale, refusal.toast
        self._explain(ctx, refusal.error)
        return await self._answer(ctx, claimed, "refused", inline_card, fallback)

    async def _claim(self, tx: Tx, event: Inbound, now: datetime, status: str) -> int | None:
        """The event's row, written as ending with `status` and no toast (`_answer` corrects
        it when there is one); None when it was handled before."""
        claimed = await tx.inbound.claim(event.platform, event.event_id,
                                         _KINDS.get(type(event), "message"), now, status, {"toast": None})
        if claimed is not None and isinstance(event, CardClick) and event.card_handle and event.message_id:
            await tx.outbox.keep_post_handle(event.platform, event.message_id, event.card_handle)
        return claimed

    async def _answer(self, ctx: Ctx, claimed: int, status: str, inline_card: bool,
                      fallback: ToastFallback | None) -> Ack:
        await customer_copies(ctx)
        toast = ctx.reply.toast
        told = (fallback.message(ctx.event, toast, card_changed=bool(ctx.reply.changed_cards))
                if fallback and toast else None)
        if told is not None:
            ctx.reply.messages.append(told)
        inline = await self._queue(ctx, inline_card)
        if toast is not None:   # what a platform retry is answered with
            await ctx.tx.inbound.finish(claimed, status, {"toast": [toast.text, toast.kind]})
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
        if isinstance(event, Recalled):
            if self.router.on_recalled is not None:
                await self.router.on_recalled(ctx)
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
        text = ctx.t(error.key, t=ctx.t, **error.params)   # t: a refusal names roles in words
        if ctx.is_click:
            ctx.toast(text, "error" if error.key in _REFUSALS else "warning")
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

    async def _refused_alone(self, event: Inbound, now: datetime, inline_card: bool,
                             fallback: ToastFallback | None, refusal: "_Refusal") -> Ack:
        """The refusal of an event handled alone, in a transaction of its own."""
        try:
            async with self.store.transaction() as tx:
                return await self._refuse(tx, event, now, inline_card, fallback, refusal)
        except StoreBusy:
            raise
        except Exception as error:
            return await self._failed_alone(event, now, error, fallback)

    async def _failed_alone(self, event: Inbound, now: datetime, error: Exception,
                            fallback: ToastFallback | None) -> Ack:
        """The event's transaction failed (its handler, or its commit): record the failure in
        one of its own."""
        status, text, toast = failure_answer(self.deps, event, error)
        told = fallback.message(event, toast) if fallback else None
        try:
            async with self.store.transaction() as tx:
                if not await record_failure(tx, event, now, status, text, toast, told):
                    return Ack(duplicate=True)
        except Exception:
            log.exception("could not record failed event %s/%s", event.platform, event.event_id)
        return Ack(toast=toast)


class _Refusal(Exception):
    """A handler's DomainError on its way out of the event's savepoint, with what the answer
    needs: the language the command was in, and a toast the handler set before refusing."""

    def __init__(self, error: DomainError, locale: str, toast: Toast | None) -> None:
        super().__init__(error.key)
        self.error, self.locale, self.toast = error, locale, toast
