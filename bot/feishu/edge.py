"""`POST /webhooks/feishu`: authenticate, decrypt, answer the URL check, parse, hand the event
to the inbound pipeline, answer; and, while the app runs, the API client and adapter.

What gets which answer, and why:
- 413 for a body over the app's limit (unread when its Content-Length says so); 401 for a
  wrong signature, a stale timestamp or a wrong verification token; 400 for a body that is not
  JSON, cannot be decrypted, or whose header is not an object. Feishu only sends well-formed, correctly signed
  requests, so these come from someone else or from a misconfiguration: refusing is right, and
  Feishu's own retries of a misconfigured app stop after a few attempts.
- Size and signature first: with an Encrypt Key the signature is checked on the raw bytes
  before anything is parsed. Only the URL check comes unsigned, and it is a few hundred bytes,
  so a bigger unsigned body is refused unread: one log line, whatever it holds (deeply nested
  JSON cost a 1.5 kB traceback per request when it was parsed first).
- 200 and ignored: authentic callbacks we do not act on — another app id (a shared URL),
  event types we did not subscribe to, events whose content we cannot read. A non-2xx answer
  would only make Feishu deliver them again and again with the same outcome.
Nothing refused or ignored reaches the dispatcher, and every refusal is logged.
"""
from __future__ import annotations

import asyncio
import json
import logging
from functools import partial
from typing import Any, Awaitable, Callable

from aiohttp import web

from bot import keys
from bot.config_error import ConfigError
from bot.feishu import events, verify
from bot.feishu.adapter import FeishuAdapter
from bot.feishu.api import FeishuApi
from bot.feishu.config import FeishuConfig
from bot.feishu.events import PLATFORM
from bot.feishu.files import fetch_file, transcribe
from bot.inbound import Answering, Busy, Handling, Refused
from bot.screening import json_object, read_body, screened
from bot.settings import Settings
from handlers.chat.contract import CardClick, Inbound
from handlers.chat.dispatch import Ack

log = logging.getLogger(__name__)

# The running edge, for its own routes and for tests that tune its deadline.
FEISHU_EDGE: web.AppKey["FeishuEdge"] = web.AppKey("feishu_edge")
STOP_GRACE_SECONDS = 5.0
# Feishu waits 3 s for a card callback's answer; leave room for the network.
ANSWERING = Answering(deadline=2.5)
MAX_AGE_SECONDS = 7 * 3600     # Feishu re-pushes for up to ~6 h; older signed requests are replays
MAX_SKEW_SECONDS = 300         # clocks differ a little; a request from the future does not
URL_CHECK_MAX = 4096           # bytes: the unsigned URL check is ~200; nothing else comes unsigned
TOAST_KINDS = {"info", "success", "warning", "error"}


class FeishuEdge:
    platform = PLATFORM

    def __init__(self, settings: Settings) -> None:
        self.config = FeishuConfig.from_settings(settings.platforms.get(PLATFORM, {}))
        if self.config.mode == "http" and not (self.config.verification_token or self.config.encrypt_key):
            raise ConfigError("feishu: set SITEBOT_FEISHU_VERIFICATION_TOKEN or "
                              "SITEBOT_FEISHU_ENCRYPT_KEY, or anyone could post events")
        self.answering = ANSWERING
        self.api: FeishuApi | None = None
        self.adapter: FeishuAdapter | None = None
        self._app: web.Application | None = None

    def install_routes(self, app: web.Application) -> None:
        app[FEISHU_EDGE] = self
        app.router.add_post("/webhooks/feishu", self.receive)

    async def start(self, app: web.Application) -> FeishuAdapter:
        self._app = app
        self.api = FeishuApi(self.config)
        await self.api.start()   # one pooled keep-alive HTTP session for every call
        self.adapter = FeishuAdapter(self.api, app[keys.MEDIA])
        return self.adapter

    async def stop(self) -> None:
        if self._app is not None:
            await self._app[keys.INBOUND].settle(timeout=STOP_GRACE_SECONDS)
        if self.api is not None:  # after the settle: late card updates still go out
            await self.api.close()

    async def receive(self, request: web.Request) -> web.Response:
        started = asyncio.get_running_loop().time()
        try:
            payload = self._open(request, await read_body(request, request.client_max_size))
        except Refused as refused:
            return _refuse(request, refused)
        if payload.get("type") == "url_verification":
            return web.json_response({"challenge": payload.get("challenge", "")})
        try:
            answer = await self.take(payload, started)
            # Nearly every answer is {}: its bytes are known (no JSON encoding per request).
            return web.json_response(answer) if answer else web.Response(body=b"{}", content_type="application/json")
        except Refused as refused:
            return _refuse(request, refused)
        except Busy as busy:
            # Feishu delivers an event again when the answer is not a 200.
            return web.json_response({"msg": "busy, retry"}, status=503,
                                     headers={"Retry-After": str(busy.retry_after)})

    async def take(self, payload: dict[str, Any], started: float) -> dict[str, Any]:
        """An authentic event's plaintext, from a callback (verified above) or the long
        connection (authenticated when it connected, bot/feishu/ws.py): stored, or for a card
        press handled within the deadline; the answer for Feishu ({} or the press's toast and
        card). Raises Refused (unacceptable) and Busy (not stored: Feishu must deliver again)."""
        header = payload.get("header") if isinstance(payload.get("header"), dict) else {}
        if header.get("app_id") != self.config.app_id:
            log.warning("feishu callback for app %r ignored (we are %r)", header.get("app_id"),
                        self.config.app_id)
            return {}
        try:
            event = events.to_neutral(payload, await self.api.bot_open_id())
        except events.Unreadable as error:
            log.warning("feishu event %s ignored: %s", header.get("event_id"), error)
            return {}
        if event is None:
            log.info("feishu event %s (%s) not for us", header.get("event_id"), header.get("event_type"))
            return {}
        event = screened(event)
        inbound = self._app[keys.INBOUND]
        if not isinstance(event, CardClick):
            await inbound.accept(event)
            return {}
        token = events.callback_token(payload)
        ack = await inbound.handle_now(event, self.answering, started=started, inline_card=True,
                                       on_late=lambda late: self._update_late(event, token, late))
        return await self._answer(ack) if ack is not None else {}

    def connection(self) -> Callable[[], Awaitable[None]] | None:
        """With SITEBOT_FEISHU_MODE=ws: what keeps the long connection (run while this replica
        holds its lease, bot/connection_lease.py); events from it take `take` as callbacks do."""
        if self.config.mode != "ws":
            return None
        from bot.feishu.ws import long_connection
        return partial(long_connection, self.config, self.take,
                       lambda outcome: self._app[keys.METRICS].inbound(PLATFORM, outcome))

    def handling(self) -> Handling:
        """Stored events: photos are fetched from the message they came with ("om_…/img_…"),
        and a file message's spreadsheet from its message ("om_…/file_…")."""
        return Handling(fetch=self.adapter.fetch_media, fetchable=lambda ref: "/" in ref,
                        fetch_file=lambda attachment: fetch_file(self.api, attachment),
                        transcribe=lambda attachment: transcribe(self.api, attachment))

    def _open(self, request: web.Request, raw: bytes) -> dict[str, Any]:
        """The callback's plaintext JSON, once it is known to come from Feishu for us."""
        config = self.config
        signed = bool(config.encrypt_key) and _signed(request, config.encrypt_key, raw)
        if config.encrypt_key and not signed and len(raw) > URL_CHECK_MAX:
            raise Refused("signature verification failed", 401)   # not even parsed
        outer = json_object(raw)
        payload = verify.decrypt(config.encrypt_key, outer["encrypt"]) if "encrypt" in outer else outer
        if payload.get("type") == "url_verification":
            # Not signed (Feishu's doc: the signature does not cover the URL check); the token is.
            self._check_token(payload.get("token"))
            return payload
        if config.encrypt_key:
            if not signed:
                raise Refused("signature verification failed", 401)
            self._check_age(request)
        self._check_token(_token(payload))
        return payload

    def _check_token(self, token: Any) -> None:
        expected = self.config.verification_token
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

    async def _answer(self, ack: Ack) -> dict[str, Any]:
        """Card callback answer: the toast and, when known, the clicked card's new state."""
        answer: dict[str, Any] = {}
        if ack.toast is not None:
            kind = ack.toast.kind if ack.toast.kind in TOAST_KINDS else "info"
            answer["toast"] = {"type": kind, "content": ack.toast.text}
        if ack.card is not None:
            answer["card"] = {"type": "raw", "data": await self.adapter.render(ack.card)}
        return answer

    async def _update_late(self, event: Inbound, token: str | None, ack: Ack) -> None:
        """A press that finished after we acked: its card is updated through the API instead
        (the transaction committed either way)."""
        if not isinstance(event, CardClick) or ack.card is None:
            return
        card = await self.adapter.render(ack.card)
        if token:
            await self.api.update_card(token, card)
        else:
            await self.api.patch(event.message_id, json.dumps(card, ensure_ascii=False))


def _refuse(request: web.Request, refused: Refused) -> web.Response:
    log.warning("feishu callback refused (%s) from %s: %s", refused.status, request.remote,
                refused.reason)
    return web.json_response({"msg": refused.reason}, status=refused.status)


def _signed(request: web.Request, encrypt_key: str, raw: bytes) -> bool:
    try:
        verify.check_signature(request.headers, encrypt_key, raw)
    except Refused:
        return False
    return True


def _token(payload: dict[str, Any]) -> Any:
    """The verification token: in the header (schema 2.0) or at the top (1.0)."""
    if "schema" not in payload:
        return payload.get("token")
    header = payload.get("header")
    if not isinstance(header, dict):
        raise Refused("event header is not an object", 400)
    return header.get("token")
