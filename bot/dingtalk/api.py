"""The DingTalk OpenAPI over aiohttp: a cached access token (fetched again once on HTTP 401),
sessionWebhook replies, robot messages to groups and people, interactive cards, and picture
downloads; DingTalk's answers turned into the delivery worker's vocabulary."""
from __future__ import annotations

import asyncio
import json as jsonlib
import logging
from datetime import datetime, timedelta
from typing import Any, Callable

import aiohttp

from bot.delivery.ports import PermanentError, RateLimited, TransientError
from bot.dingtalk.config import DingTalkConfig
from bot.http_body import read_capped

log = logging.getLogger(__name__)
TIMEOUT = aiohttp.ClientTimeout(total=10, connect=5)
SEND_TOO_FAST = 130101   # over 20 messages a minute: the robot is blocked for 10 minutes
BLOCK_SECONDS = 600.0
MAX_DOWNLOAD = 10 * 1024 * 1024


class DingTalkApiError(PermanentError):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"dingtalk {code}: {message}")
        self.code = code


class SessionGone(Exception):
    """The sessionWebhook would not take the message (expired, revoked): use the OpenAPI."""


def _limited(code: str, message: str) -> RateLimited | None:
    if str(SEND_TOO_FAST) in code or "send too fast" in message:
        return RateLimited(f"dingtalk {code}: {message}", retry_after=BLOCK_SECONDS)
    if any(word in code for word in ("QpsLimit", "Throttling", "FlowControl")):
        return RateLimited(f"dingtalk {code}: {message}", retry_after=2.0)
    return None


class DingTalkApi:
    def __init__(self, config: DingTalkConfig, session: aiohttp.ClientSession,
                 clock: Callable[[], datetime]) -> None:
        self.config, self.session, self.clock = config, session, clock
        self._token: str | None = None
        self._expires: datetime | None = None
        self._lock = asyncio.Lock()

    async def token(self) -> str:
        async with self._lock:  # one fetch for everyone waiting, not one each
            if self._token and self._expires and self.clock() < self._expires:
                return self._token
            status, body = await self._request("POST", self.config.base_url + "/v1.0/oauth2/accessToken",
                                               json={"appKey": self.config.app_key,
                                                     "appSecret": self.config.app_secret})
            if status != 200 or not body.get("accessToken"):
                self._raise(status, body, "accessToken")
            self._token = str(body["accessToken"])
            # Renew five minutes early so a token never dies between fetch and use.
            lifetime = max(60, int(body.get("expireIn", 7200)) - 300)
            self._expires = self.clock() + timedelta(seconds=lifetime)
            return self._token

    async def call(self, method: str, path: str, body: dict) -> dict:
        """One OpenAPI call; on 401 (token expired or revoked) fetch a new token, retry once."""
        for attempt in (1, 2):
            token = await self.token()
            status, answer = await self._request(method, self.config.base_url + path, json=body,
                                                 headers={"x-acs-dingtalk-access-token": token})
            if status == 401 and attempt == 1:
                log.info("dingtalk: access token rejected, fetching a new one")
                if self._token == token:
                    self._token = None
                continue
            if status != 200:
                self._raise(status, answer, path)
            return answer
        raise AssertionError("unreachable")

    # --- the endpoints sitebot uses -------------------------------------------------------

    async def session_send(self, url: str, message: dict) -> None:
        status, answer = await self._request("POST", url, json=message)
        try:
            code = int(answer.get("errcode", 0) or 0)
        except (TypeError, ValueError):
            code = -1
        if status == 200 and code == 0:
            return
        limited = _limited(str(code), str(answer.get("errmsg", "")))
        if limited is not None:
            raise limited
        if status >= 500:
            raise TransientError(f"dingtalk sessionWebhook HTTP {status}")
        raise SessionGone(f"HTTP {status} errcode {code}: {answer.get('errmsg', '')}")

    async def send_group(self, conversation_id: str, msg_key: str, msg_param: str) -> str:
        answer = await self.call("POST", "/v1.0/robot/groupMessages/send", {
            "robotCode": self.config.robot_code, "openConversationId": conversation_id,
            "msgKey": msg_key, "msgParam": msg_param})
        return str(answer.get("processQueryKey") or "")

    async def send_users(self, user_ids: list[str], msg_key: str, msg_param: str) -> str:
        answer = await self.call("POST", "/v1.0/robot/oToMessages/batchSend", {
            "robotCode": self.config.robot_code, "userIds": user_ids,
            "msgKey": msg_key, "msgParam": msg_param})
        if answer.get("flowControlledStaffIdList"):
            raise RateLimited(f"dingtalk: flow control for {answer['flowControlledStaffIdList']}",
                              retry_after=60.0)
        if answer.get("invalidStaffIdList"):
            raise DingTalkApiError("invalidStaffIdList", str(answer["invalidStaffIdList"]))
        return str(answer.get("processQueryKey") or "")

    async def create_and_deliver(self, out_track_id: str, params: dict[str, str],
                                 group: str | None, user: str | None) -> None:
        body: dict[str, Any] = {
            "cardTemplateId": self.config.card_template_id, "outTrackId": out_track_id,
            "cardData": {"cardParamMap": params},
            "callbackType": "STREAM" if self.config.mode == "stream" else "HTTP",
            "callbackRouteKey": self.config.card_route_key}
        if group is not None:
            body.update(openSpaceId=f"dtv1.card//IM_GROUP.{group}",
                        imGroupOpenSpaceModel={"supportForward": True},
                        imGroupOpenDeliverModel={"robotCode": self.config.robot_code})
        else:
            body.update(openSpaceId=f"dtv1.card//IM_ROBOT.{user}",
                        imRobotOpenSpaceModel={"supportForward": True},
                        imRobotOpenDeliverModel={"spaceType": "IM_ROBOT",
                                                 "robotCode": self.config.robot_code})
        answer = await self.call("POST", "/v1.0/card/instances/createAndDeliver", body)
        failed = [r for r in (answer.get("result") or {}).get("deliverResults") or ()
                  if isinstance(r, dict) and r.get("success") is False]
        if failed:
            raise DingTalkApiError("deliverResults", str(failed[0].get("errorMsg") or failed[0]))

    async def update_card(self, out_track_id: str, params: dict[str, str]) -> None:
        await self.call("PUT", "/v1.0/card/instances", {
            "outTrackId": out_track_id, "cardData": {"cardParamMap": params},
            "cardUpdateOptions": {"updateCardDataByKey": True}})

    async def register_card_callback(self, url: str) -> None:
        await self.call("POST", "/v1.0/card/callbacks/register", {
            "callbackRouteKey": self.config.card_route_key, "callbackUrl": url,
            "forceUpdate": True})

    async def download(self, download_code: str) -> tuple[bytes, str]:
        """A picture someone sent the robot: its bytes and content type."""
        answer = await self.call("POST", "/v1.0/robot/messageFiles/download", {
            "downloadCode": download_code, "robotCode": self.config.robot_code})
        url = answer.get("downloadUrl")
        if not isinstance(url, str) or not url.startswith(("https://", "http://")):
            raise DingTalkApiError("downloadUrl", "missing in the answer")
        try:
            async with self.session.get(url, timeout=TIMEOUT) as response:
                if response.status != 200:
                    raise TransientError(f"dingtalk download HTTP {response.status}")
                # To the end, or just past the cap (which callers check): see read_capped.
                data = await read_capped(response.content, MAX_DOWNLOAD)
                return data, response.content_type or ""
        except aiohttp.ClientError as error:
            raise TransientError(f"dingtalk download: {type(error).__name__}: {error}") from None

    async def _request(self, method: str, url: str, **kwargs: Any) -> tuple[int, dict]:
        try:
            async with self.session.request(method, url, timeout=TIMEOUT, **kwargs) as response:
                data = await response.read()
                status = response.status
        except (aiohttp.ClientError, asyncio.TimeoutError) as error:
            raise TransientError(f"dingtalk {url}: {type(error).__name__}: {error}") from None
        if status >= 500 and not data.strip().startswith(b"{"):
            raise TransientError(f"dingtalk {url}: HTTP {status}")
        try:
            body = jsonlib.loads(data) if data.strip() else {}
        except (ValueError, UnicodeDecodeError):
            raise TransientError(f"dingtalk {url}: HTTP {status}, answer is not JSON") from None
        return status, body if isinstance(body, dict) else {}

    @staticmethod
    def _raise(status: int, body: dict, what: str) -> None:
        code, message = str(body.get("code") or status), str(body.get("message") or "")
        limited = _limited(code, message)
        if limited is not None:
            raise limited
        if status == 429:
            raise RateLimited(f"dingtalk {what}: HTTP 429", retry_after=2.0)
        if status >= 500 or status == 401:
            raise TransientError(f"dingtalk {what}: HTTP {status} {code}: {message}")
        raise DingTalkApiError(code, f"{what}: {message}")
