"""A fake Feishu open platform that enforces the limits and records what arrives."""
from __future__ import annotations

from dataclasses import dataclass

from aiohttp import web

import collections
import json
import logging
import math
import re
import secrets
import time
from typing import Any, Iterable
from .events import APP_ID, APP_SECRET, BOT_OPEN_ID, MESSAGE_ID, Prepared
from .machine import free_port


@dataclass
class Delivered:
    at: float                 # time.monotonic() on arrival
    api: str                  # "reply" | "create" | "patch" | "card_update"
    parent: str | None        # reply: the message replied to
    receive_id: str
    receive_id_type: str
    uuid: str | None
    msg_type: str
    content: str
    message_id: str = ""      # the id the fake gave it (create / reply), or the one changed

    @property
    def text(self) -> str:
        """The words a person would read (text content; card JSON as it is)."""
        try:
            body = json.loads(self.content)
        except ValueError:
            return self.content
        return body.get("text", self.content) if isinstance(body, dict) else self.content

    @property
    def event_message_id(self) -> str | None:
        """The person's message this answers: the reply path, else an om_… in the uuid."""
        if self.parent:
            return self.parent
        found = MESSAGE_ID.search(self.uuid or "")
        return found.group(0) if found else None


class FakeFeishu:
    def __init__(self, *, limit_status: int = 429, per_minute: int = 0,
                 app_per_second: int = 50, target_per_second: int = 5) -> None:
        self.limit_status, self.per_minute = limit_status, per_minute
        self.app_per_second, self.target_per_second = app_per_second, target_per_second
        self.tokens: set[str] = set()
        self.token_fetches = 0
        self.known: dict[str, str] = {}            # people's message_id -> chat_id
        self.bot_messages: dict[str, str] = {}     # our om_bot… -> receive id
        self.delivered: list[Delivered] = []
        self.by_uuid: dict[str, str] = {}
        self.duplicates = 0                        # a uuid seen again (a retried send)
        self.rate_limited: collections.Counter[str] = collections.Counter()
        self.refused: collections.Counter[str] = collections.Counter()   # other errors by code
        self.calls: collections.Counter[str] = collections.Counter()
        self._windows: dict[str, collections.deque] = collections.defaultdict(collections.deque)
        self._ids = 0
        self._runner: web.AppRunner | None = None
        self.url = ""

    # -- control ----------------------------------------------------------------------------

    def register(self, events: Iterable[Prepared]) -> None:
        for event in events:
            self.known[event.message_id] = event.chat_id

    def mark(self) -> int:
        """Index of the next delivered message; counters restart (windows do not)."""
        self.rate_limited.clear()
        self.refused.clear()
        self.duplicates = 0
        return len(self.delivered)

    async def start(self) -> str:
        app = web.Application(middlewares=[self._auth])
        app.router.add_post("/open-apis/auth/v3/tenant_access_token/internal", self.token)
        app.router.add_get("/open-apis/bot/v3/info", self.bot_info)
        app.router.add_post("/open-apis/im/v1/messages", self.create)
        app.router.add_post("/open-apis/im/v1/messages/{message_id}/reply", self.reply)
        app.router.add_patch("/open-apis/im/v1/messages/{message_id}", self.patch)
        app.router.add_post("/open-apis/interactive/v1/card/update", self.card_update)
        # sitebot stopped (or killed) mid-request is not news: no tracebacks from the fake
        logging.getLogger("aiohttp.server").setLevel(logging.CRITICAL)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        port = free_port()
        await web.TCPSite(self._runner, "127.0.0.1", port).start()
        self.url = f"http://127.0.0.1:{port}"
        return self.url

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    # -- limits -----------------------------------------------------------------------------

    def _take(self, specs: list[tuple[str, int, float]]) -> tuple[str, int, float] | None:
        """Accept (count it in every window) or name the first full window and the wait."""
        now = time.monotonic()
        for key, count, period in specs:
            seen = self._windows[key]
            while seen and seen[0] <= now - period:
                seen.popleft()
            if len(seen) >= count:
                return key.split(":")[0], count, seen[0] + period - now
        for key, _, _ in specs:
            self._windows[key].append(now)
        return None

    def _send_limits(self, target: str) -> list[tuple[str, int, float]]:
        specs = [("app:send", self.app_per_second, 1.0),
                 (f"target:{target}", self.target_per_second, 1.0)]
        if self.per_minute:
            specs.append(("minute:send", self.per_minute, 60.0))
        return specs

    def _limited(self, full: tuple[str, int, float]) -> web.Response:
        kind, count, wait = full
        self.rate_limited[kind] += 1
        return web.json_response(
            {"code": 99991400, "msg": "request trigger frequency limit"}, status=self.limit_status,
            headers={"x-ogw-ratelimit-limit": str(count),
                     "x-ogw-ratelimit-reset": str(max(1, math.ceil(wait)))})

    def _error(self, status: int, code: int, msg: str) -> web.Response:
        self.refused[str(code)] += 1
        return web.json_response({"code": code, "msg": msg}, status=status)

    # -- API --------------------------------------------------------------------------------

    @web.middleware
    async def _auth(self, request: web.Request, handler: Any) -> web.StreamResponse:
        self.calls[request.method + " " + re.sub(r"om_\w+", "{message_id}", request.path)] += 1
        if request.path.startswith("/open-apis/auth/"):
            return await handler(request)
        auth = request.headers.get("Authorization", "")
        if not auth.startswith("Bearer ") or auth[7:] not in self.tokens:
            return self._error(400, 99991663, "Invalid access token for authorization. "
                                              "Please make a request with token attached.")
        return await handler(request)

    async def token(self, request: web.Request) -> web.Response:
        body = await request.json()
        if body.get("app_id") != APP_ID or body.get("app_secret") != APP_SECRET:
            return self._error(400, 10014, "app secret invalid")
        self.token_fetches += 1
        token = f"t-g{self.token_fetches:04d}{secrets.token_hex(8)}"
        self.tokens.add(token)
        return web.json_response({"code": 0, "msg": "ok", "tenant_access_token": token, "expire": 7200})

    async def bot_info(self, request: web.Request) -> web.Response:
        return web.json_response({"code": 0, "msg": "ok", "bot": {
            "activate_status": 2, "app_name": "sitebot", "avatar_url": "", "ip_white_list": [],
            "open_id": BOT_OPEN_ID}})

    def _content_problem(self, body: dict[str, Any]) -> web.Response | None:
        msg_type, content = body.get("msg_type"), body.get("content")
        if msg_type not in ("text", "interactive", "post") or not isinstance(content, str):
            return self._error(400, 230001, "Your request contains an invalid request parameter")
        limit = 150 * 1024 if msg_type == "text" else 30 * 1024
        if len(content.encode()) > limit:
            return self._error(400, 230025, "The length of the message content reaches its limit.")
        try:
            json.loads(content)
        except ValueError:
            return self._error(400, 230001, "invalid content")
        return None

    def _post(self, api: str, parent: str | None, receive_id: str, id_type: str,
              body: dict[str, Any]) -> web.Response:
        uuid = body.get("uuid") or None
        if uuid and uuid in self.by_uuid:   # "at most one message per uuid within 1 h"
            self.duplicates += 1
            return self._answer(self.by_uuid[uuid], receive_id)
        full = self._take(self._send_limits(receive_id))
        if full is not None:
            return self._limited(full)
        self._ids += 1
        message_id = f"om_bot{self._ids:08d}{secrets.token_hex(10)}"
        self.bot_messages[message_id] = receive_id
        if uuid:
            self.by_uuid[uuid] = message_id
        self.delivered.append(Delivered(time.monotonic(), api, parent, receive_id, id_type, uuid,
                                        body["msg_type"], body["content"], message_id))
        return self._answer(message_id, receive_id)

    @staticmethod
    def _answer(message_id: str, receive_id: str) -> web.Response:
        return web.json_response({"code": 0, "msg": "success", "data": {
            "message_id": message_id, "chat_id": receive_id if receive_id.startswith("oc_") else "",
            "sender": {"id": APP_ID, "id_type": "app_id", "sender_type": "app"}}})

    async def create(self, request: web.Request) -> web.Response:
        id_type = request.query.get("receive_id_type", "")
        if id_type not in ("chat_id", "open_id", "union_id", "user_id", "email"):
            return self._error(400, 99992402, "field validation failed: receive_id_type")
        body = await request.json()
        problem = self._content_problem(body)
        if problem is not None:
            return problem
        receive_id = str(body.get("receive_id", ""))
        if id_type == "chat_id" and not receive_id.startswith("oc_"):
            return self._error(400, 230002, "Bot/User can NOT be out of the chat.")
        if id_type == "open_id" and not receive_id.startswith("ou_"):
            return self._error(400, 230013, "Bot has NO availability to this user.")
        return self._post("create", None, receive_id, id_type, body)

    async def reply(self, request: web.Request) -> web.Response:
        parent = request.match_info["message_id"]
        chat = self.known.get(parent) or self.bot_messages.get(parent)
        if chat is None:
            return self._error(400, 230011, "The message was withdrawn.")
        body = await request.json()
        problem = self._content_problem(body)
        if problem is not None:
            return problem
        return self._post("reply", parent, chat, "chat_id", body)

    async def patch(self, request: web.Request) -> web.Response:
        message_id = request.match_info["message_id"]
        if message_id not in self.bot_messages:
            return self._error(400, 230001, "invalid message_id")
        body = await request.json()
        if not isinstance(body.get("content"), str):
            return self._error(400, 230001, "invalid content")
        full = self._take([("app:patch", self.app_per_second, 1.0),
                           (f"target:patch:{message_id}", self.target_per_second, 1.0)])
        if full is not None:
            return self._limited(full)
        self.delivered.append(Delivered(time.monotonic(), "patch", message_id,
                                        self.bot_messages[message_id], "message_id", None,
                                        "interactive", body["content"], message_id))
        return web.json_response({"code": 0, "msg": "success", "data": {}})

    async def card_update(self, request: web.Request) -> web.Response:
        body = await request.json()
        if not str(body.get("token", "")).startswith("c-"):
            return self._error(400, 200810, "token is invalid")
        self.delivered.append(Delivered(time.monotonic(), "card_update", None, str(body["token"]),
                                        "token", None, "interactive", json.dumps(body.get("card"))))
        return web.json_response({"code": 0, "msg": "success"})


