"""`POST /webhooks/feishu`: authenticate, decrypt, answer the URL check, parse, dispatch, ack.

What gets which answer, and why:
- 413 (aiohttp, before we read it) for a body over the app's limit; 400 for a body that is not
  JSON or cannot be decrypted; 401 for a wrong signature, a stale timestamp or a wrong
  verification token. Feishu only sends well-formed, correctly signed requests, so these come
  from someone else or from a misconfiguration: refusing is right, and Feishu's own retries of
  a misconfigured app stop after a few attempts.
- 200 and ignored: authentic callbacks we do not act on — another app id (a shared URL),
  event types we did not subscribe to, events whose content we cannot read. A non-2xx answer
  would only make Feishu deliver them again and again with the same outcome.
Nothing refused or ignored reaches the dispatcher, and every refusal is logged.
"""
from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from aiohttp import web

from bot import keys
from bot.feishu import events, verify
from bot.inbound import Refused
from bot.delivery.ports import DeliveryError
from bot.media import MediaError
from handlers.chat.contract import CardClick, Inbound, Message

if TYPE_CHECKING:
    from bot.feishu.edge import FeishuEdge
    from handlers.chat.dispatch import Ack

log = logging.getLogger(__name__)

PHOTO_SECONDS = 1.0            # per photo kept before dispatch (the ack deadline is 3 s in all)
ACK_DEADLINE = 2.5             # Feishu waits 3 s for a callback answer; leave room for the network
MAX_AGE_SECONDS = 7 * 3600     # Feishu re-pushes for up to ~6 h; older signed requests are replays
MAX_SKEW_SECONDS = 300         # clocks differ a little; a request from the future does not
TOAST_KINDS = {"info", "success", "warning", "error"}


class FeishuWebhook:
    def __init__(self, edge: "FeishuEdge") -> None:
        self.edge = edge
        self.ack_deadline = ACK_DEADLINE
        self._late: set[asyncio.Task] = set()

    async def handle(self, request: web.Request) -> web.Response:
        started = asyncio.get_running_loop().time()
        raw = await request.read()
        try:
            payload = self._open(request, raw)
        except Refused as refused:
            log.warning("feishu callback refused (%s) from %s: %s", refused.status,
                        request.remote, refused.reason)
            return web.json_response({"msg": refused.reason}, status=refused.status)
        if payload.get("type") == "url_verification":
            return web.json_response({"challenge": payload.get("challenge", "")})
        header = payload.get("header") or {}
        if header.get("app_id") != self.edge.config.app_id:
            log.warning("feishu callback for app %r ignored (we are %r)", header.get("app_id"),
                        self.edge.config.app_id)
            return web.json_response({})
        try:
            event = events.to_neutral(payload, await self.edge.api.bot_open_id())
        except events.Unreadable as error:
            log.warning("feishu event %s ignored: %s", header.get("event_id"), error)
            return web.json_response({})
        if event is None:
            log.info("feishu event %s (%s) not for us", header.get("event_id"), header.get("event_type"))
            return web.json_response({})
        if isinstance(event, Message):
            event = await self._keep_photos(request.app, event)
        left = self.ack_deadline - (asyncio.get_running_loop().time() - started)
        return web.json_response(await self._dispatch(request, event, events.callback_token(payload),
                                                      max(left, 0.0)))

    async def _keep_photos(self, app: web.Application, message: Message) -> Message:
        """Keep our own copy of a message's photos (/media/…), as the other edges do, so a
        ticket shows them on any page and card later. Bounded in time to keep the ack within
        Feishu's deadline; if the download fails, the "om_…/img_…" ref is passed on instead
        and can be fetched later (`FeishuAdapter.fetch_media`)."""
        if not any(a.kind == "image" and a.ref for a in message.attachments):
            return message
        kept = []
        for attachment in message.attachments:
            if attachment.kind == "image" and attachment.ref and "/" in attachment.ref:
                try:
                    data, kind = await asyncio.wait_for(
                        self.edge.adapter.fetch_media(attachment.ref), PHOTO_SECONDS)
                    attachment = replace(attachment, ref=app[keys.MEDIA].save(data, kind))
                except (DeliveryError, MediaError, asyncio.TimeoutError, TypeError) as error:
                    log.warning("feishu photo %s not kept: %s", attachment.ref, error)
            kept.append(attachment)
        return replace(message, attachments=tuple(kept))

    def _open(self, request: web.Request, raw: bytes) -> dict[str, Any]:
        """The callback's plaintext JSON, once it is known to come from Feishu for us."""
        config = self.edge.config
        outer = verify.parse_json(raw)
        payload = verify.decrypt(config.encrypt_key, outer["encrypt"]) if "encrypt" in outer else outer
        if payload.get("type") == "url_verification":
            # Not signed (Feishu's doc: the signature does not cover the URL check); the token is.
            self._check_token(payload.get("token"))
            return payload
        if config.encrypt_key:
            verify.check_signature(request.headers, config.encrypt_key, raw)
            self._check_age(request)
        token = (payload.get("header") or {}).get("token") if "schema" in payload else payload.get("token")
        self._check_token(token)
        return payload

    def _check_token(self, token: Any) -> None:
        expected = self.edge.config.verification_token
        if expected and token != expected:
            raise Refused("invalid verification token", 401)

    def _check_age(self, request: web.Request) -> None:
        try:
            sent = int(request.headers.get("X-Lark-Request-Timestamp", ""))
        except ValueError:
            raise Refused("missing or bad timestamp", 401) from None
        age = request.app[keys.CLOCK]().timestamp() - sent
        if age > MAX_AGE_SECONDS or age < -MAX_SKEW_SECONDS:
            raise Refused(f"timestamp out of range ({int(age)} s)", 401)

    async def _dispatch(self, request: web.Request, event: Inbound, token: str | None,
                        deadline: float) -> dict[str, Any]:
        """Run the handler within the deadline; if it takes longer, ack now and finish after
        (the transaction commits either way, and a clicked card is then updated via the API)."""
        click = isinstance(event, CardClick)
        work = asyncio.ensure_future(request.app[keys.DISPATCHER].handle(event, inline_card=click))
        try:
            ack = await asyncio.wait_for(asyncio.shield(work), deadline)
        except asyncio.TimeoutError:
            log.warning("feishu event %s: not done within the ack deadline; acking first",
                        event.event_id)
            late = asyncio.create_task(self._finish_late(work, event, token))
            self._late.add(late)
            late.add_done_callback(self._late.discard)
            return {}
        return await self._answer(ack) if click else {}

    async def _answer(self, ack: "Ack") -> dict[str, Any]:
        """Card callback answer: the toast and, when known, the clicked card's new state."""
        answer: dict[str, Any] = {}
        if ack.toast is not None:
            kind = ack.toast.kind if ack.toast.kind in TOAST_KINDS else "info"
            answer["toast"] = {"type": kind, "content": ack.toast.text}
        if ack.card is not None:
            answer["card"] = {"type": "raw", "data": await self.edge.adapter.render(ack.card)}
        return answer

    async def _finish_late(self, work: asyncio.Future, event: Inbound, token: str | None) -> None:
        ack = await work
        if not isinstance(event, CardClick) or ack.card is None:
            return
        card = await self.edge.adapter.render(ack.card)
        try:
            if token:
                await self.edge.api.update_card(token, card)
            else:
                await self.edge.api.patch(event.message_id, json.dumps(card, ensure_ascii=False))
        except Exception:  # the next change redraws it anyway; don't lose the task silently
            log.exception("feishu: late update of card %s failed", event.message_id)

    async def settle(self, timeout: float | None = None) -> None:
        """Wait for work that outlived its ack (shutdown, tests)."""
        if self._late:
            await asyncio.wait(list(self._late), timeout=timeout)
