"""A fake DingTalk OpenAPI on 127.0.0.1, answering like the real one as far as we know it
(PLATFORMS.md section 3): access tokens that can be revoked (then 401), robot group and
one-to-one sends, sessionWebhooks, interactive cards, picture and file downloads, media
uploads (the server API's media/upload) and sampleFile messages. It also enforces the
robot's 20 messages a minute per chat the way DingTalk does: the 21st gets 130101 and the chat
is blocked for ten minutes. Time comes from the test's clock."""
from __future__ import annotations

import json
import re
from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any, Callable

from aiohttp import web

from tests.platforms.fake_base import FakePlatformServer, endpoint

TOO_FAST = {"errcode": 130101, "errmsg": "send too fast, exceed 20 times per minute"}


class FakeDingTalk(FakePlatformServer):
    """`calls`: (method, path) of every request; `refused`: the error bodies answered;
    `fail_next(path, (status, body), ...)`: answers to give next on that path ("session" for
    the sessionWebhooks)."""

    record_every_request = True

    def __init__(self, clock: Callable[[], datetime], app_key: str, app_secret: str) -> None:
        super().__init__()
        self.clock, self.app_key, self.app_secret = clock, app_key, app_secret
        self.tokens_issued = 0
        self.valid_tokens: set[str] = set()
        self.group: list[dict] = []                       # groupMessages/send bodies
        self.users: list[dict] = []                       # oToMessages/batchSend bodies
        self.session: list[tuple[str, dict]] = []         # (session id, custom-robot message)
        self.cards: dict[str, dict] = {}                  # outTrackId -> createAndDeliver body
        self.card_updates: list[dict] = []
        self.registered: list[dict] = []
        self.files: dict[str, tuple[bytes, str]] = {}
        self.media: dict[str, tuple[str, bytes]] = {}    # media_id -> (file name, bytes) uploaded
        self.contacts: dict[str, str] = {}                # staffId -> name (the contact book)
        self.user_lookups: list[str] = []
        self.timeline: list[tuple[str, dict]] = []       # (chat or "user:<id>", message read)
        self._sent_at: dict[str, list[datetime]] = defaultdict(list)
        self._blocked_until: dict[str, datetime] = {}

    def revoke_tokens(self) -> None:
        self.valid_tokens.clear()

    # --- helpers -------------------------------------------------------------------------

    def _authorised(self, request: web.Request) -> bool:
        return request.headers.get("x-acs-dingtalk-access-token") in self.valid_tokens

    def _injected(self, path: str) -> web.Response | None:
        answer = self.scripted(path)
        if answer is None:
            return None
        status, body = answer
        return self.refuse(body, web.json_response(body, status=status))

    async def _robot_call(self, request: web.Request) -> tuple[web.Response | None, dict]:
        """The body of a robot OpenAPI send, and the refusal to answer instead, if any."""
        body = await self.json_body(request)
        if not self._authorised(request):
            return self._unauthorised(), body
        return self._injected(request.path), body

    def _robot_limit(self, chat: str) -> bool:
        """True when this message is one too many: DingTalk then blocks for ten minutes."""
        now = self.clock()
        if self._blocked_until.get(chat, now) > now:
            return True
        recent = [t for t in self._sent_at[chat] if now - t < timedelta(minutes=1)]
        if len(recent) >= 20:
            self._blocked_until[chat] = now + timedelta(minutes=10)
            return True
        self._sent_at[chat] = recent + [now]
        return False

    def _unauthorised(self) -> web.Response:
        return web.json_response({"code": "InvalidAuthentication",
                                  "message": "不合法的access_token", "requestid": "r"}, status=401)

    def _too_fast_openapi(self) -> web.Response:
        # The OpenAPI's exact shape for this is not documented; the code is the robot's.
        return self.refuse(TOO_FAST, web.json_response({"code": "130101", "message": TOO_FAST["errmsg"]},
                                                       status=400))

    # --- endpoints -----------------------------------------------------------------------

    @endpoint("POST", "/v1.0/oauth2/accessToken")
    async def access_token(self, request: web.Request) -> web.Response:
        body = await self.json_body(request)
        if body.get("appKey") != self.app_key or body.get("appSecret") != self.app_secret:
            return web.json_response({"code": "invalidClientIdOrSecret", "message": "无效的appKey"},
                                     status=400)
        self.tokens_issued += 1
        token = f"tok-{self.tokens_issued}"
        self.valid_tokens.add(token)
        return web.json_response({"accessToken": token, "expireIn": 7200})

    @endpoint("POST", "/v1.0/robot/groupMessages/send")
    async def group_send(self, request: web.Request) -> web.Response:
        refused, body = await self._robot_call(request)
        if refused is not None:
            return refused
        if self._robot_limit(body["openConversationId"]):
            return self._too_fast_openapi()
        json.loads(body["msgParam"])   # must be a JSON string, as DingTalk requires
        if not self._media_known(body):
            return self._bad_media()
        self.group.append(body)
        self.timeline.append((body["openConversationId"], _from_openapi(body)))
        return web.json_response({"processQueryKey": f"pqk-g{len(self.group)}"})

    @endpoint("POST", "/v1.0/robot/oToMessages/batchSend")
    async def batch_send(self, request: web.Request) -> web.Response:
        refused, body = await self._robot_call(request)
        if refused is not None:
            return refused
        json.loads(body["msgParam"])
        if not self._media_known(body):
            return self._bad_media()
        self.users.append(body)
        self.timeline += [(f"user:{u}", _from_openapi(body)) for u in body["userIds"]]
        return web.json_response({"processQueryKey": f"pqk-u{len(self.users)}",
                                  "invalidStaffIdList": [], "flowControlledStaffIdList": []})

    @endpoint("POST", "/topapi/v2/user/get")
    async def user_get(self, request: web.Request) -> web.Response:
        """The server API's user details: 60121 for a userid the organisation does not have."""
        if request.query.get("access_token") not in self.valid_tokens:
            return web.json_response({"errcode": 40014, "errmsg": "不合法的access_token"})
        userid = (await self.json_body(request)).get("userid", "")
        self.user_lookups.append(userid)
        if userid not in self.contacts:
            return web.json_response({"errcode": 60121, "errmsg": "找不到该用户"})
        return web.json_response({"errcode": 0, "errmsg": "ok", "request_id": "r",
                                  "result": {"userid": userid, "name": self.contacts[userid]}})

    @endpoint("POST", "/media/upload")
    async def media_upload(self, request: web.Request) -> web.Response:
        """The server API's upload (oapi): the token as access_token, the file as `media`;
        type=file takes at most 20 MB (errcode 40006 over it, as for an empty file)."""
        if request.query.get("access_token") not in self.valid_tokens:
            return web.json_response({"errcode": 40014, "errmsg": "不合法的access_token"})
        form = await request.post()
        part = form.get("media")
        if request.query.get("type") not in ("image", "voice", "video", "file") or part is None:
            return web.json_response({"errcode": 40004, "errmsg": "不合法的媒体文件类型"})
        data = part.file.read()
        if not data or len(data) > 20 * 1024 * 1024:
            return web.json_response({"errcode": 40006, "errmsg": "不合法的文件大小"})
        media_id = f"@lAfake{len(self.media) + 1:04d}"
        self.media[media_id] = (part.filename, data)
        return web.json_response({"errcode": 0, "errmsg": "ok", "type": request.query["type"],
                                  "media_id": media_id, "created_at": 1700000000000})

    def _media_known(self, body: dict) -> bool:
        return body.get("msgKey") != "sampleFile" or json.loads(body["msgParam"]).get("mediaId") in self.media

    def _bad_media(self) -> web.Response:
        body = {"code": "invalidParameter.mediaId", "message": "mediaId无效"}
        return self.refuse(body, web.json_response(body, status=400))

    @endpoint("POST", "/robot/sendBySession/{session}")
    async def session_send(self, request: web.Request) -> web.Response:
        body = await self.json_body(request)
        session = request.match_info["session"]
        injected = self._injected("session")
        if injected is not None:
            return injected
        if session.startswith("expired"):
            return web.json_response({"errcode": 300001, "errmsg": "session expired"})
        if self._robot_limit(session.split("-")[0]):
            return self.refuse(TOO_FAST, web.json_response(TOO_FAST))
        self.session.append((session, body))
        self.timeline.append((session.split("-")[0], _from_session(body)))
        return web.json_response({"errcode": 0, "errmsg": "ok"})

    @endpoint("POST", "/v1.0/card/instances/createAndDeliver")
    async def create_and_deliver(self, request: web.Request) -> web.Response:
        body = await self.json_body(request)
        if not self._authorised(request):
            return self._unauthorised()
        self.cards[body["outTrackId"]] = body
        return web.json_response({"success": True, "result": {"outTrackId": body["outTrackId"],
                                  "deliverResults": [{"spaceType": "IM", "success": True}]}})

    @endpoint("PUT", "/v1.0/card/instances")
    async def update_card(self, request: web.Request) -> web.Response:
        body = await self.json_body(request)
        if not self._authorised(request):
            return self._unauthorised()
        if body["outTrackId"] not in self.cards:
            return web.json_response({"code": "param.cardNotExist", "message": "卡片不存在"}, status=400)
        self.card_updates.append(body)
        return web.json_response({"success": True, "result": True})

    @endpoint("POST", "/v1.0/card/callbacks/register")
    async def register(self, request: web.Request) -> web.Response:
        body = await self.json_body(request)
        if not self._authorised(request):
            return self._unauthorised()
        self.registered.append(body)
        return web.json_response({"success": True, "result": {"callbackUrl": body["callbackUrl"]}})

    @endpoint("POST", "/v1.0/robot/messageFiles/download")
    async def download(self, request: web.Request) -> web.Response:
        body = await self.json_body(request)
        if not self._authorised(request):
            return self._unauthorised()
        if body.get("downloadCode") not in self.files:
            return web.json_response({"code": "invalidParameter", "message": "downloadCode"}, status=400)
        url = str(request.url.with_path(f"/files/{body['downloadCode']}").with_query(None))
        return web.json_response({"downloadUrl": url})

    @endpoint("GET", "/files/{code}")
    async def file(self, request: web.Request) -> web.Response:
        data, kind = self.files[request.match_info["code"]]
        return web.Response(body=data, content_type=kind)

    # --- what tests read -----------------------------------------------------------------

    def messages_to(self, conversation_id: str) -> list[dict[str, Any]]:
        """Everything that reached a group, in order, as {"via", "kind", "text", "urls"}."""
        return [m for chat, m in self.timeline if chat == conversation_id]

    def messages_for(self, user_id: str) -> list[dict[str, Any]]:
        return [m for chat, m in self.timeline if chat == f"user:{user_id}"]


def _from_session(body: dict) -> dict[str, Any]:
    kind = body["msgtype"]
    if kind == "text":
        return {"via": "session", "kind": "text", "text": body["text"]["content"], "buttons": {}}
    if kind == "markdown":
        return {"via": "session", "kind": "markdown", "text": body["markdown"]["text"], "buttons": {}}
    card = body["actionCard"]
    return {"via": "session", "kind": "actionCard", "text": card["text"],
            "buttons": {b["title"]: b["actionURL"] for b in card["btns"]}}


def _from_openapi(body: dict) -> dict[str, Any]:
    param = json.loads(body["msgParam"])
    if body["msgKey"] == "sampleText":
        return {"via": "openapi", "kind": "text", "text": param["content"], "buttons": {}}
    if body["msgKey"] == "sampleFile":
        return {"via": "openapi", "kind": "sampleFile", "text": param["fileName"], "buttons": {},
                "media_id": param["mediaId"], "file_type": param["fileType"]}
    links = dict(re.findall(r"\[([^\]]+)\]\((dtmd://[^)]+|dingtalk://[^)]+)\)", param["text"]))
    return {"via": "openapi", "kind": body["msgKey"], "text": param["text"], "buttons": links}
