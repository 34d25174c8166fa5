"""The DingTalk edge: `POST /webhooks/dingtalk` (robot callbacks, HTTP mode) and, with an
interactive card template configured, `POST /webhooks/dingtalk/card/<token>` (card callbacks).
Every refusal is a 4xx with a short reason and no effect: missing/wrong/stale signature 401,
oversize 413, unreadable or odd body 400, a callback for another organisation or robot 403.
Time comes from the app's clock.

DingTalk signs only the timestamp, so a signature vouches for one message: the first stored
with it, in any process (the inbox binds them in the database, see bot/inbound.py). Another
message with the same signature is refused (401) and not acted on. It may be a forgery, or a
genuine message sent in the same millisecond, which DingTalk will not deliver again: so its
chat is asked, through our robot's OpenAPI and naming only the signed time, to send it again.
"""
from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
from datetime import datetime, timedelta, timezone
from functools import partial
from typing import Awaitable, Callable

import aiohttp
from aiohttp import web

from bot import keys
from bot.delivery.ports import Adapter, DeliveryError
from bot.dingtalk import cards, events, origin, verify
from bot.dingtalk.adapter import DingTalkAdapter
from bot.dingtalk.api import DingTalkApi
from bot.dingtalk.config import DingTalkConfig
from bot.dingtalk.files import fetch_file
from bot.dingtalk.names import user_name
from bot.http_body import read_capped
from bot.inbound import Answering, Busy, Handling, OneUseSignature, Refused, SignatureReused
from bot.names import NameBook
from bot.settings import Settings
from handlers.chat.contract import Actor, CardClick, Conversation, Unverified
from handlers.chat.dispatch import Ack, ToastFallback

log = logging.getLogger(__name__)
MAX_BODY = 64 * 1024       # robot callbacks are a few KB
PLATFORM = events.PLATFORM
# DingTalk's card callbacks, like Feishu's, want an answer within about 3 s. DingTalk shows no
# toasts: a card press's answer goes to the presser alone.
CARD = Answering(deadline=2.5, toast_fallback=ToastFallback())


class DingTalkEdge:
    platform = PLATFORM

    def __init__(self, settings: Settings) -> None:
        self.config = DingTalkConfig.from_section(settings.platforms.get("dingtalk", {}))
        self.public_url = settings.base_url
        self.card_token = verify.callback_token(self.config.app_secret, "card-callback")
        self.session: aiohttp.ClientSession | None = None
        self.api: DingTalkApi | None = None
        self.adapter: DingTalkAdapter | None = None
        self._app: web.Application | None = None

    def install_routes(self, app: web.Application) -> None:
        app.router.add_post("/webhooks/dingtalk", self.robot_callback)
        if self.config.interactive:
            app.router.add_post("/webhooks/dingtalk/card/{token}", self.card_pressed)

    async def start(self, app: web.Application) -> Adapter:
        self._app = app
        clock = app[keys.CLOCK]
        self.session = aiohttp.ClientSession()
        self.api = DingTalkApi(self.config, self.session, clock)
        self.adapter = DingTalkAdapter(self.api, self.config, clock, self.public_url)
        if self.config.interactive and self.config.mode == "http":   # stream: presses come over it
            url = f"{self.public_url}/webhooks/dingtalk/card/{self.card_token}"
            try:
                await self.api.register_card_callback(url)
            except DeliveryError as error:  # the robot still works; card buttons wait for this
                log.error("dingtalk: could not register the card callback URL: %s", error)
        return self.adapter

    async def stop(self) -> None:
        if self.session is not None:
            await self.session.close()

    # --- robot messages -----------------------------------------------------------------

    async def robot_callback(self, request: web.Request) -> web.Response:
        now = request.app[keys.CLOCK]()
        try:
            timestamp, sign = verify.check(request.headers, self.config.app_secret, now)
        except Refused as error:
            log.warning("dingtalk: refused callback from %s: %s", request.remote, error)
            raise web.HTTPUnauthorized(text="bad signature") from None
        body = await _read_json(request)
        try:
            incoming = events.parse(body, self.config)
        except Refused as error:
            log.warning("dingtalk: refused callback: %s", error)
            raise (web.HTTPForbidden if error.status == 403 else web.HTTPBadRequest)(text=str(error)) from None
        inbound = request.app[keys.INBOUND]
        signature = _one_use(sign, int(timestamp), incoming)
        try:
            if incoming.event is None:   # ignored, but its signature is used up all the same
                await inbound.bind_signature(PLATFORM, incoming.msg_id, signature)
            else:
                await inbound.accept(incoming.event, signature=signature)
        except SignatureReused:
            log.warning("dingtalk: signature already used by another message; msgId %s not acted on, "
                        "its chat asked to send it again", incoming.msg_id)
            raise web.HTTPUnauthorized(text="signature already used") from None
        except Busy as busy:
            return web.json_response({"msg": "busy, retry"}, status=503,
                                     headers={"Retry-After": str(busy.retry_after)})
        self._remember_session(incoming)
        return web.json_response({})

    def handling(self) -> Handling:
        """Stored events: pictures and spreadsheets are downloaded (their download codes expire); a fallback
        button press is a message in the chat, so its answer goes to that chat."""
        return Handling(fetch=self.api.download, toast_fallback=ToastFallback(in_chat=True),
                        fetch_file=lambda attachment: fetch_file(self.api, attachment),
                        names=NameBook(lambda user_id: user_name(self.api, self.config, user_id)))

    def _remember_session(self, incoming: events.Incoming) -> None:
        """Only for a message whose signature was its own, and only a URL of DingTalk's."""
        url, expires = incoming.session_webhook, incoming.session_expires_ms
        if not url or not expires or self.adapter is None or incoming.event is None:
            return
        if not origin.is_dingtalk_session_url(url, self.config.session_webhook_prefix):
            log.warning("dingtalk: ignoring a sessionWebhook that is not %s…", self.config.session_webhook_prefix)
            return
        self.adapter.remember_session(incoming.event.conversation.chat_id, url,
                                      datetime.fromtimestamp(expires / 1000, tz=timezone.utc))

    # --- interactive card buttons ---------------------------------------------------------

    async def card_pressed(self, request: web.Request) -> web.Response:
        started = asyncio.get_running_loop().time()
        if not hmac.compare_digest(request.match_info["token"], self.card_token):
            log.warning("dingtalk: card callback with a wrong path token from %s", request.remote)
            raise web.HTTPNotFound()
        body = await _read_json(request)
        try:
            return web.json_response(await self.take_card_press(body, started))
        except Refused as error:
            raise web.HTTPBadRequest(text=str(error)) from None
        except Busy as busy:
            return web.json_response({"msg": "busy, retry"}, status=503,
                                     headers={"Retry-After": str(busy.retry_after)})

    async def take_card_press(self, body: object, started: float) -> dict:
        """An interactive card's press, from its HTTP callback or the stream: handled within
        the deadline; the answer ({} or the pressed card's new parameters). Raises Refused
        and Busy."""
        now = self._app[keys.CLOCK]()
        pressed = events.parse_card_press(body, int(now.timestamp()) // 60)
        inbound = self._app[keys.INBOUND]
        # The callback does not say which chat the card is in; our record of the post does.
        posted = await inbound.where_card_was_posted(PLATFORM, pressed.out_track_id)
        if posted is None:
            raise Refused("unknown card")
        kind, target = posted
        chat = target if kind == "chat" else events.dm_chat(target)
        conversation = Conversation(PLATFORM, chat, is_group=events.user_of_chat(chat) is None)
        click = CardClick(PLATFORM, pressed.event_id, Actor(PLATFORM, pressed.user_id), conversation,
                          pressed.action, pressed.value, message_id=pressed.out_track_id)
        ack = await inbound.handle_now(click, CARD, started=started, inline_card=True,
                                       on_late=lambda late: self._update_late(click, late))
        answer: dict = {}
        if ack is not None and ack.card is not None:
            answer["cardData"] = {"cardParamMap": cards.card_params(ack.card, self.public_url)}
        return answer

    async def take_message(self, body: object, started: float) -> dict:
        """A robot message from the stream, which authenticated when it connected (no
        per-message signature to bind): stored, its sessionWebhook kept. Raises Refused and Busy."""
        incoming = events.parse(body, self.config)
        if incoming.event is not None:
            await self._app[keys.INBOUND].accept(incoming.event)
        self._remember_session(incoming)
        return {}

    def connection(self) -> Callable[[], Awaitable[None]] | None:
        """With SITEBOT_DINGTALK_MODE=stream: what keeps the stream (run while this replica
        holds its lease, bot/connection_lease.py)."""
        if self.config.mode != "stream":
            return None
        from bot.dingtalk.stream import stream_connection
        return partial(stream_connection, self.config, self.take_message,
                       self.take_card_press if self.config.interactive else None,
                       lambda outcome: self._app[keys.METRICS].inbound(PLATFORM, outcome))

    async def _update_late(self, click: CardClick, ack: Ack) -> None:
        """A press that finished after we answered: its card is updated through the API."""
        if ack.card is not None:
            await self.api.update_card(click.message_id, cards.card_params(ack.card, self.public_url))


def _one_use(sign: str, timestamp_ms: int, incoming: events.Incoming) -> OneUseSignature:
    """The signature as the inbox binds it: a digest, valid as long as DingTalk's time check
    passes it, and, for a message, what to store if it is already bound to another one."""
    digest = hashlib.sha256(sign.encode()).hexdigest()
    signed = datetime.fromtimestamp(timestamp_ms / 1000, tz=timezone.utc)
    valid_until = signed + timedelta(milliseconds=verify.WINDOW_MS)
    event = incoming.event
    if event is None:
        return OneUseSignature(digest, valid_until)
    chat = event.conversation.chat_id
    # One request per chat and signature, however often it comes: a forger gains nothing by
    # repeating, and a group where several people wrote in that millisecond is asked once.
    again = Unverified(PLATFORM, "again:" + hashlib.sha256(f"{digest}\n{chat}".encode()).hexdigest()[:40],
                       event.actor, event.conversation, signed.isoformat())
    return OneUseSignature(digest, valid_until, again)


async def _read_json(request: web.Request) -> object:
    if request.content_length is not None and request.content_length > MAX_BODY:
        raise web.HTTPRequestEntityTooLarge(max_size=MAX_BODY, actual_size=request.content_length)
    raw = await read_capped(request.content, MAX_BODY)
    if len(raw) > MAX_BODY:
        raise web.HTTPRequestEntityTooLarge(max_size=MAX_BODY, actual_size=len(raw))
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError):   # RecursionError: nested too deep
        raise web.HTTPBadRequest(text="body must be JSON") from None
