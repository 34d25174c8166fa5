"""Feishu open platform calls, over lark-oapi's async client (`a*` methods, httpx).

The tenant token is ours to manage: lark-oapi would fetch it with blocking `requests` inside
the event loop, so the client is built with `enable_set_token` and every call gets the token
through its `RequestOption`. The token is fetched with lark-oapi's async transport, cached
until ten minutes before it expires, and fetched again (once) when Feishu says it is invalid.

Every failure becomes one of the delivery errors the worker understands: rate limits
(HTTP 429, 99991400, 230020) as `RateLimited` with Feishu's `x-ogw-ratelimit-reset`, 5xx and
network trouble as `TransientError`, the rest as `PermanentError` with Feishu's code and msg.
"""
from __future__ import annotations

import asyncio
import io
import json
import logging
import time
from typing import Any, Awaitable, Callable

import httpx
import lark_oapi as lark
from lark_oapi.api.im.v1 import (CreateImageRequest, CreateImageRequestBody, CreateMessageRequest,
                                 CreateMessageRequestBody, GetMessageResourceRequest,
                                 PatchMessageRequest, PatchMessageRequestBody, ReplyMessageRequest,
                                 ReplyMessageRequestBody)
from lark_oapi.core.enum import AccessTokenType, HttpMethod
from lark_oapi.core.http import Transport
from lark_oapi.core.model import BaseRequest, RawResponse, RequestOption

from bot.delivery.ports import PermanentError, RateLimited, TransientError
from bot.feishu.config import FeishuConfig

log = logging.getLogger(__name__)

TOKEN_INVALID = {99991663, 99991664}   # tenant / app access token invalid: refetch, retry once
RATE_LIMITED = {99991400, 230020}      # "request trigger frequency limit", chat/user frequency
TOKEN_PATH = "/open-apis/auth/v3/tenant_access_token/internal"
REFRESH_MARGIN = 600.0                 # renew ten minutes before expiry, like the SDK
BOT_INFO_RETRY = 300.0                 # after a failed bot-info call, ask again at most this often


class FeishuApi:
    def __init__(self, config: FeishuConfig, timeout: float = 10.0) -> None:
        self.config = config
        self.client = (lark.Client.builder().app_id(config.app_id).app_secret(config.app_secret)
                       .domain(config.base_url).enable_set_token(True).timeout(timeout)
                       .log_level(lark.LogLevel.WARNING).build())
        self._token: str | None = None
        self._token_until = 0.0
        self._token_lock = asyncio.Lock()
        self._bot_open_id: str | None = None
        self._bot_asked_at: float | None = None

    # -- messages ---------------------------------------------------------------------------

    async def send(self, receive_id_type: str, receive_id: str, msg_type: str, content: str,
                   uuid: str) -> str:
        body = (CreateMessageRequestBody.builder().receive_id(receive_id).msg_type(msg_type)
                .content(content).uuid(uuid).build())
        request = (CreateMessageRequest.builder().receive_id_type(receive_id_type)
                   .request_body(body).build())
        data = await self._call("send", lambda option: self.client.im.v1.message.acreate(request, option))
        return data["data"]["message_id"]

    async def reply(self, message_id: str, msg_type: str, content: str, uuid: str) -> str:
        body = (ReplyMessageRequestBody.builder().msg_type(msg_type).content(content)
                .reply_in_thread(False).uuid(uuid).build())
        request = ReplyMessageRequest.builder().message_id(message_id).request_body(body).build()
        data = await self._call("reply", lambda option: self.client.im.v1.message.areply(request, option))
        return data["data"]["message_id"]

    async def patch(self, message_id: str, content: str) -> None:
        body = PatchMessageRequestBody.builder().content(content).build()
        request = PatchMessageRequest.builder().message_id(message_id).request_body(body).build()
        await self._call("patch", lambda option: self.client.im.v1.message.apatch(request, option))

    async def update_card(self, token: str, card: dict[str, Any]) -> None:
        """Delayed update of a clicked card with the callback's token (valid 30 min, 2 uses)."""
        request = (BaseRequest.builder().http_method(HttpMethod.POST)
                   .uri("/open-apis/interactive/v1/card/update")
                   .token_types({AccessTokenType.TENANT})
                   .body({"token": token, "card": card}).build())
        await self._call("card update", lambda option: self.client.arequest(request, option))

    # -- media ------------------------------------------------------------------------------

    async def upload_image(self, data: bytes) -> str:
        body = CreateImageRequestBody.builder().image_type("message").image(io.BytesIO(data)).build()
        request = CreateImageRequest.builder().request_body(body).build()
        data_ = await self._call("image upload",
                                 lambda option: self.client.im.v1.image.acreate(request, option))
        return data_["data"]["image_key"]

    async def download(self, message_id: str, file_key: str, kind: str = "image") -> tuple[bytes, str]:
        """A received message's image/file: (bytes, content type)."""
        request = (GetMessageResourceRequest.builder().message_id(message_id).file_key(file_key)
                   .type(kind).build())
        raw = await self._raw("download",
                              lambda option: self.client.im.v1.message_resource.aget(request, option))
        _check("download", raw)
        return raw.content, _header(raw, "content-type") or "application/octet-stream"

    async def bot_open_id(self) -> str | None:
        """Our own open_id (to tell "@bot" from other mentions); None if Feishu won't say."""
        now = time.monotonic()
        if self._bot_open_id is None and (self._bot_asked_at is None
                                          or now - self._bot_asked_at > BOT_INFO_RETRY):
            self._bot_asked_at = now
            request = (BaseRequest.builder().http_method(HttpMethod.GET).uri("/open-apis/bot/v3/info")
                       .token_types({AccessTokenType.TENANT}).build())
            try:
                data = await self._call("bot info", lambda option: self.client.arequest(request, option))
                self._bot_open_id = (data.get("bot") or {}).get("open_id") or None
            except (TransientError, PermanentError, RateLimited) as error:
                log.warning("feishu: could not learn the bot's open_id: %s", error)
        return self._bot_open_id

    # -- plumbing ---------------------------------------------------------------------------

    async def tenant_token(self, *, stale: str | None = None) -> str:
        """The current token; `stale`: Feishu refused this one, so fetch a new one unless
        another call already did."""
        async with self._token_lock:
            renew = stale is not None and stale == self._token
            if renew or self._token is None or time.monotonic() >= self._token_until:
                self._token, lifetime = await self._fetch_token()
                self._token_until = time.monotonic() + max(lifetime - REFRESH_MARGIN, lifetime / 2)
            return self._token

    async def _fetch_token(self) -> tuple[str, float]:
        request = (BaseRequest.builder().http_method(HttpMethod.POST).uri(TOKEN_PATH)
                   .body({"app_id": self.config.app_id, "app_secret": self.config.app_secret})
                   .build())
        raw = await self._transport("tenant token", lambda: Transport.aexecute(
            self.client.config, request, RequestOption()))
        data = _check("tenant token", raw)
        token = data.get("tenant_access_token")
        if not token:
            raise TransientError(f"tenant token: no token in answer ({data.get('msg')})")
        log.info("feishu: fetched a tenant access token")
        return token, float(data.get("expire") or 7200)

    async def _call(self, what: str, invoke: Callable[[RequestOption], Awaitable[Any]]) -> dict[str, Any]:
        return _check(what, await self._raw(what, invoke))

    async def _raw(self, what: str, invoke: Callable[[RequestOption], Awaitable[Any]]) -> RawResponse:
        """One call; on an invalid-token answer, a fresh token and exactly one retry."""
        refused: str | None = None
        for attempt in (1, 2):
            token = await self.tenant_token(stale=refused)
            option = RequestOption.builder().tenant_access_token(token).build()
            raw = await self._transport(what, lambda: _raw_of(invoke(option)))
            if attempt == 1 and _code(raw) in TOKEN_INVALID:
                log.info("feishu: %s: token no longer valid, fetching a new one", what)
                refused = token
                continue
            return raw
        return raw

    @staticmethod
    async def _transport(what: str, call: Callable[[], Awaitable[RawResponse]]) -> RawResponse:
        try:
            return await call()
        except httpx.TransportError as error:  # connect/read/timeout: the network, not us
            raise TransientError(f"{what}: {type(error).__name__}: {error}") from None
        except ValueError as error:  # a non-JSON answer (gateway error page) seen by the SDK
            raise TransientError(f"{what}: unreadable answer: {error}") from None


async def _raw_of(pending: Awaitable[Any]) -> RawResponse:
    return (await pending).raw


def _header(raw: RawResponse, name: str) -> str | None:
    for key, value in (raw.headers or {}).items():
        if key.lower() == name:
            return value
    return None


def _body(raw: RawResponse) -> dict[str, Any]:
    if "json" not in (_header(raw, "content-type") or ""):
        return {}
    try:
        body = json.loads(raw.content or b"{}")
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _code(raw: RawResponse) -> int | None:
    code = _body(raw).get("code")
    return code if isinstance(code, int) else None


def _check(what: str, raw: RawResponse) -> dict[str, Any]:
    """Feishu's answer as a dict, or the delivery error it amounts to."""
    body, status = _body(raw), raw.status_code
    code = body.get("code", 0 if 200 <= status < 300 else None)
    if status == 429 or code in RATE_LIMITED:
        reset = _header(raw, "x-ogw-ratelimit-reset")
        try:
            wait = max(float(reset), 0.5) if reset else 1.0
        except ValueError:
            wait = 1.0
        raise RateLimited(f"{what}: rate limited ({code})", retry_after=wait)
    if code == 0 and status < 400:
        return body
    message = f"{what}: HTTP {status}, code {code}: {body.get('msg', '')}".strip()
    if status >= 500 or code is None or code in TOKEN_INVALID:
        raise TransientError(message)
    raise PermanentError(message)
