"""Feishu open platform calls, over one pooled keep-alive `aiohttp.ClientSession`.

One session (one connection pool, kept alive between calls) serves every call of the app: a
new client per call, as lark-oapi's async transport does, pays TCP + TLS each time and holds
replies far below Feishu's 50/s per app. `start()` opens it (or the first call does); the edge
`close()`s it when it stops.

The tenant token is ours to manage: fetched with the same session, cached until ten minutes
before it expires, and fetched again (once) when Feishu says it is invalid.

Every failure becomes one of the delivery errors the worker understands: rate limits
(HTTP 429, 99991400, 230020) as `RateLimited` with Feishu's `x-ogw-ratelimit-reset`, 5xx and
network trouble as `TransientError`, the rest as `PermanentError` with Feishu's code and msg.
"""
from __future__ import annotations

import asyncio
import base64
import json
import logging
import time
from typing import Any, Mapping
from urllib.parse import quote

import aiohttp

from bot.delivery.ports import PermanentError, RateLimited, TransientError
from bot.feishu.config import FeishuConfig

log = logging.getLogger(__name__)

TOKEN_INVALID = {99991663, 99991664}   # tenant / app access token invalid: refetch, retry once
RATE_LIMITED = {99991400, 230020}      # "request trigger frequency limit", chat/user frequency
TOKEN_PATH = "/open-apis/auth/v3/tenant_access_token/internal"
REFRESH_MARGIN = 600.0                 # renew ten minutes before expiry, like the SDK
BOT_INFO_RETRY = 300.0                 # after a failed bot-info call, ask again at most this often
PER_HOST = 50                          # connections to Feishu: its per-app limit is 50/s
JSON_TYPE = "application/json; charset=utf-8"


class Answer:
    """An HTTP answer, read in full: status, headers (case-insensitive), body bytes."""

    def __init__(self, status: int, headers: Mapping[str, str], content: bytes) -> None:
        self.status, self.headers, self.content = status, headers, content


class FeishuApi:
    def __init__(self, config: FeishuConfig, timeout: float = 10.0, per_host: int = PER_HOST) -> None:
        self.config = config
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._per_host = per_host
        self._session: aiohttp.ClientSession | None = None
        self._token: str | None = None
        self._token_until = 0.0
        self._token_lock = asyncio.Lock()
        self._bot_open_id: str | None = None
        self._bot_asked_at: float | None = None

    async def start(self) -> None:
        """Opens the connection pool (the first call does it otherwise)."""
        self._pool()

    async def close(self) -> None:
        if self._session is not None:
            session, self._session = self._session, None
            await session.close()

    def _pool(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=2 * self._per_host, limit_per_host=self._per_host,
                                             ttl_dns_cache=300, keepalive_timeout=15)
            self._session = aiohttp.ClientSession(connector=connector, timeout=self._timeout)
        return self._session

    # -- messages ---------------------------------------------------------------------------

    async def send(self, receive_id_type: str, receive_id: str, msg_type: str, content: str,
                   uuid: str) -> str:
        body = {"receive_id": receive_id, "msg_type": msg_type, "content": content, "uuid": uuid}
        data = await self._call("send", "POST", "/open-apis/im/v1/messages",
                                params={"receive_id_type": receive_id_type}, json_body=body)
        return data["data"]["message_id"]

    async def reply(self, message_id: str, msg_type: str, content: str, uuid: str) -> str:
        body = {"msg_type": msg_type, "content": content, "reply_in_thread": False, "uuid": uuid}
        data = await self._call("reply", "POST", f"/open-apis/im/v1/messages/{_seg(message_id)}/reply",
                                json_body=body)
        return data["data"]["message_id"]

    async def patch(self, message_id: str, content: str) -> None:
        await self._call("patch", "PATCH", f"/open-apis/im/v1/messages/{_seg(message_id)}",
                         json_body={"content": content})

    async def update_card(self, token: str, card: dict[str, Any]) -> None:
        """Delayed update of a clicked card with the callback's token (valid 30 min, 2 uses)."""
        await self._call("card update", "POST", "/open-apis/interactive/v1/card/update",
                         json_body={"token": token, "card": card})

    # -- media ------------------------------------------------------------------------------

    async def upload_image(self, data: bytes) -> str:
        def form() -> aiohttp.FormData:  # a fresh one per attempt: a FormData is sent once
            fields = aiohttp.FormData()
            fields.add_field("image_type", "message")
            fields.add_field("image", data, filename="image", content_type="application/octet-stream")
            return fields
        answer = await self._authorized("image upload", "POST", "/open-apis/im/v1/images", form=form)
        return _check("image upload", answer)["data"]["image_key"]

    async def upload_file(self, name: str, data: bytes, file_type: str = "stream") -> str:
        """im/v1/files: a file to send as a file message (at most 30 MB, not empty); its file_key."""
        def form() -> aiohttp.FormData:  # a fresh one per attempt: a FormData is sent once
            fields = aiohttp.FormData()
            fields.add_field("file_type", file_type)
            fields.add_field("file_name", name)
            fields.add_field("file", data, filename=name, content_type="application/octet-stream")
            return fields
        answer = await self._authorized("file upload", "POST", "/open-apis/im/v1/files", form=form)
        return _check("file upload", answer)["data"]["file_key"]

    async def download(self, message_id: str, file_key: str, kind: str = "image") -> tuple[bytes, str]:
        """A received message's image/file: (bytes, content type)."""
        path = f"/open-apis/im/v1/messages/{_seg(message_id)}/resources/{_seg(file_key)}"
        answer = await self._authorized("download", "GET", path, params={"type": kind})
        _check("download", answer, binary=True)
        return answer.content, answer.headers.get("content-type") or "application/octet-stream"

    async def recognize(self, pcm: bytes, file_id: str) -> str:
        """Speech to text of a short clip (speech_to_text/v1/speech/file_recognize: base64
        PCM, 16 kHz 16-bit mono, up to a minute; `file_id`: 16 letters, digits or _)."""
        body = {"speech": {"speech": base64.b64encode(pcm).decode("ascii")},
                "config": {"file_id": file_id, "format": "pcm", "engine_type": "16k_auto"}}
        data = await self._call("speech to text", "POST", "/open-apis/speech_to_text/v1/speech/file_recognize",
                                json_body=body)
        return str((data.get("data") or {}).get("recognition_text") or "")

    async def bot_open_id(self) -> str | None:
        """Our own open_id (to tell "@bot" from other mentions); None if Feishu won't say."""
        now = time.monotonic()
        if self._bot_open_id is None and (self._bot_asked_at is None
                                          or now - self._bot_asked_at > BOT_INFO_RETRY):
            self._bot_asked_at = now
            try:
                data = await self._call("bot info", "GET", "/open-apis/bot/v3/info")
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
        body = {"app_id": self.config.app_id, "app_secret": self.config.app_secret}
        data = _check("tenant token", await self._request("tenant token", "POST", TOKEN_PATH, json_body=body))
        token = data.get("tenant_access_token")
        if not token:
            raise TransientError(f"tenant token: no token in answer ({data.get('msg')})")
        log.info("feishu: fetched a tenant access token")
        return token, float(data.get("expire") or 7200)

    async def _call(self, what: str, method: str, path: str, **request: Any) -> dict[str, Any]:
        return _check(what, await self._authorized(what, method, path, **request))

    async def _authorized(self, what: str, method: str, path: str, **request: Any) -> Answer:
        """One call with the tenant token; on an invalid-token answer, a fresh token and
        exactly one retry."""
        refused: str | None = None
        for attempt in (1, 2):
            token = await self.tenant_token(stale=refused)
            answer = await self._request(what, method, path, token=token, **request)
            if attempt == 1 and _code(answer) in TOKEN_INVALID:
                log.info("feishu: %s: token no longer valid, fetching a new one", what)
                refused = token
                continue
            return answer
        return answer

    async def _request(self, what: str, method: str, path: str, *, token: str | None = None,
                       params: dict[str, str] | None = None, json_body: dict[str, Any] | None = None,
                       form: Any = None) -> Answer:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        data: Any = None
        if json_body is not None:
            headers["Content-Type"] = JSON_TYPE
            data = json.dumps(json_body, ensure_ascii=False).encode()
        elif form is not None:
            data = form()
        try:
            async with self._pool().request(method, self.config.base_url + path, params=params,
                                            data=data, headers=headers) as response:
                return Answer(response.status, response.headers, await response.read())
        except (aiohttp.ClientError, asyncio.TimeoutError) as error:  # the network, not us
            raise TransientError(f"{what}: {type(error).__name__}: {error or 'no answer in time'}") from None


def _seg(value: str) -> str:
    """A path parameter, encoded so that '/', '?' or '#' in it cannot change the path."""
    return quote(str(value), safe="")


def _body(answer: Answer) -> dict[str, Any] | None:
    """The JSON object Feishu answered, None when the answer is not one."""
    if "json" not in (answer.headers.get("content-type") or ""):
        return None
    try:
        body = json.loads(answer.content or b"{}")
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def _code(answer: Answer) -> int | None:
    code = (_body(answer) or {}).get("code")
    return code if isinstance(code, int) else None


def _check(what: str, answer: Answer, *, binary: bool = False) -> dict[str, Any]:
    """Feishu's answer as a dict, or the delivery error it amounts to. `binary`: a 2xx answer
    need not be JSON (a downloaded file)."""
    body, status = _body(answer), answer.status
    if body is None and 200 <= status < 300 and not binary:
        raise TransientError(f"{what}: HTTP {status}, unreadable answer "
                             f"({answer.headers.get('content-type')})")
    body = body or {}
    code = body.get("code", 0 if 200 <= status < 300 else None)
    if status == 429 or code in RATE_LIMITED:
        reset = answer.headers.get("x-ogw-ratelimit-reset")
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
