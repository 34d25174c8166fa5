"""The WeCom server API over aiohttp: a cached access token (refreshed once on 40014/42001),
and WeCom's error codes turned into the delivery worker's vocabulary."""
from __future__ import annotations

import asyncio
import json as jsonlib
import logging
from datetime import datetime, timedelta
from typing import Any, Callable

import aiohttp

from bot.delivery.ports import PermanentError, RateLimited, TransientError
from bot.wecom.config import WeComConfig

log = logging.getLogger(__name__)

TOKEN_STALE = {40014, 42001}   # invalid / expired access_token: fetch a new one, retry once
BUSY = {-1}                    # "系统繁忙": try again shortly
# 45009: API frequency limit. WeCom blocks for 60 s after a per-minute limit is hit.
# 45033 (concurrency limit) is not confirmed in the docs we could read; treated the same.
LIMITED = {45009: 60.0, 45033: 5.0}
TIMEOUT = aiohttp.ClientTimeout(total=10, connect=5)


class WeComApiError(PermanentError):
    def __init__(self, errcode: int, errmsg: str) -> None:
        super().__init__(f"wecom errcode {errcode}: {errmsg}")
        self.errcode = errcode


def raise_for(errcode: int, errmsg: str) -> None:
    if errcode == 0:
        return
    if errcode in BUSY:
        raise TransientError(f"wecom errcode {errcode}: {errmsg}", retry_after=2.0)
    if errcode in LIMITED:
        raise RateLimited(f"wecom errcode {errcode}: {errmsg}", retry_after=LIMITED[errcode])
    raise WeComApiError(errcode, errmsg)


class WeComApi:
    def __init__(self, config: WeComConfig, session: aiohttp.ClientSession,
                 clock: Callable[[], datetime]) -> None:
        self.config, self.session, self.clock = config, session, clock
        self._token: str | None = None
        self._expires: datetime | None = None
        self._lock = asyncio.Lock()

    def url(self, path: str) -> str:
        return f"{self.config.base_url}/cgi-bin/{path}"

    async def token(self) -> str:
        async with self._lock:  # one fetch for everyone waiting, not one each
            if self._token and self._expires and self.clock() < self._expires:
                return self._token
            body = await self._request("GET", "gettoken", params={
                "corpid": self.config.corp_id, "corpsecret": self.config.secret})
            raise_for(int(body.get("errcode", 0)), str(body.get("errmsg", "")))
            self._token = str(body["access_token"])
            # Renew five minutes early so a token never dies between fetch and use.
            lifetime = max(60, int(body.get("expires_in", 7200)) - 300)
            self._expires = self.clock() + timedelta(seconds=lifetime)
            return self._token

    def _forget(self, token: str) -> None:
        if self._token == token:
            self._token = None

    async def call(self, method: str, path: str, *, json: dict | None = None,
                   params: dict | None = None,
                   form: Callable[[], aiohttp.FormData] | None = None) -> dict:
        """One API call with the access token; on a stale token, refresh and retry once."""
        for attempt in (1, 2):
            token = await self.token()
            # A form body is consumed by sending it, so each attempt builds its own.
            body = await self._request(method, path, json=json, data=form() if form else None,
                                       params={**(params or {}), "access_token": token})
            errcode = int(body.get("errcode", 0))
            if errcode in TOKEN_STALE and attempt == 1:
                log.info("wecom: access token rejected (%s), fetching a new one", errcode)
                self._forget(token)
                continue
            raise_for(errcode, str(body.get("errmsg", "")))
            return body
        raise AssertionError("unreachable")

    async def get_bytes(self, path: str, params: dict) -> tuple[bytes, str]:
        """media/get: the file itself, or a JSON error body (same token rules as `call`)."""
        for attempt in (1, 2):
            token = await self.token()
            try:
                async with self.session.get(self.url(path), params={**params, "access_token": token},
                                            timeout=TIMEOUT) as response:
                    self._check_http(response)
                    kind = response.content_type or ""
                    data = await response.read()
            except aiohttp.ClientError as error:
                raise TransientError(f"wecom {path}: {type(error).__name__}: {error}") from None
            if kind in ("application/json", "text/plain"):
                body = _json(data, path)
                errcode = int(body.get("errcode", 0))
                if errcode in TOKEN_STALE and attempt == 1:
                    self._forget(token)
                    continue
                raise_for(errcode, str(body.get("errmsg", "")))
                raise WeComApiError(-2, f"{path} returned JSON without an error")
            return data, kind
        raise AssertionError("unreachable")

    # --- the endpoints sitebot uses -------------------------------------------------------

    async def send_message(self, message: dict) -> dict:
        """message/send to members; the answer has msgid and, for interactive template
        cards, the first response_code."""
        body = {"agentid": self.config.agent_id, "enable_duplicate_check": 1,
                "duplicate_check_interval": 1800, **message}
        return await self.call("POST", "message/send", json=body)

    async def update_template_card(self, userids: list[str], response_code: str,
                                   card: dict) -> dict:
        body = {"userids": userids, "agentid": self.config.agent_id,
                "response_code": response_code, **card}
        return await self.call("POST", "message/update_template_card", json=body)

    async def appchat_create(self, chatid: str, name: str, owner: str, users: list[str]) -> str:
        body = await self.call("POST", "appchat/create", json={
            "chatid": chatid, "name": name, "owner": owner, "userlist": users})
        return str(body.get("chatid") or chatid)

    async def appchat_send(self, chatid: str, message: dict) -> dict:
        return await self.call("POST", "appchat/send", json={"chatid": chatid, **message})

    async def upload_media(self, kind: str, filename: str, data: bytes, content_type: str) -> str:
        def form() -> aiohttp.FormData:
            fields = aiohttp.FormData()
            fields.add_field("media", data, filename=filename, content_type=content_type)
            return fields

        body = await self.call("POST", "media/upload", params={"type": kind}, form=form)
        return str(body["media_id"])

    async def get_media(self, media_id: str) -> tuple[bytes, str]:
        return await self.get_bytes("media/get", {"media_id": media_id})

    async def _request(self, method: str, path: str, **kwargs: Any) -> dict:
        try:
            async with self.session.request(method, self.url(path), timeout=TIMEOUT,
                                            **kwargs) as response:
                self._check_http(response)
                return _json(await response.read(), path)
        except aiohttp.ClientError as error:
            raise TransientError(f"wecom {path}: {type(error).__name__}: {error}") from None

    @staticmethod
    def _check_http(response: aiohttp.ClientResponse) -> None:
        if response.status == 429:
            raise RateLimited("wecom HTTP 429", retry_after=60.0)
        if response.status >= 500:
            raise TransientError(f"wecom HTTP {response.status}")
        if response.status >= 400:
            raise PermanentError(f"wecom HTTP {response.status}")


def _json(data: bytes, path: str) -> dict:
    try:
        body = jsonlib.loads(data)
    except (ValueError, UnicodeDecodeError):
        raise TransientError(f"wecom {path}: answer is not JSON") from None
    if not isinstance(body, dict):
        raise TransientError(f"wecom {path}: answer is not a JSON object")
    return body
