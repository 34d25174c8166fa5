"""A fake Feishu open platform on 127.0.0.1, answering like the real one for what sitebot uses:
tenant tokens, message create / reply / PATCH, delayed card update, image and file upload,
message resource download and bot info — with Feishu's error bodies, HTTP 429 + x-ogw-ratelimit-reset
(code 99991400), invalid-token codes (99991663), uuid de-duplication (one message per uuid),
and a check that cards use only documented JSON 2.0 attributes (2.0 rejects unknown ones).

Given the test's `clock`, it also keeps Feishu's sending limits the way Feishu does, counted
when a message arrives: 50 a second and 1000 a minute per app (HTTP 429, 99991400), 5 a second
per chat or person (230020); `limited` lists what it refused so.
"""
from __future__ import annotations

import itertools
import json
from collections import defaultdict, deque
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Callable

from aiohttp import web

from tests.platforms.fake_base import FakePlatformServer, endpoint
from tests.platforms.feishu.fake_speech import SpeechToText

CARD_KEYS = {
    "card": {"schema", "config", "header", "body", "card_link"},
    "config": {"update_multi", "summary", "width_mode", "enable_forward", "locales", "style"},
    "header": {"title", "subtitle", "template", "icon", "text_tag_list", "padding"},
    "markdown": {"tag", "element_id", "margin", "content", "text_size", "text_align", "icon"},
    "column_set": {"tag", "element_id", "margin", "horizontal_spacing", "horizontal_align",
                   "flex_mode", "background_style", "action", "columns"},
    "column": {"tag", "element_id", "background_style", "width", "weight", "horizontal_spacing",
               "horizontal_align", "vertical_align", "vertical_spacing", "direction", "padding",
               "margin", "action", "elements"},
    "button": {"tag", "element_id", "margin", "type", "size", "width", "text", "icon",
               "hover_tips", "disabled", "disabled_tips", "confirm", "behaviors"},
    "img": {"tag", "element_id", "margin", "img_key", "alt", "title", "transparent", "preview",
            "corner_radius", "scale_type", "size"},
}
TEMPLATES = {"blue", "wathet", "turquoise", "green", "yellow", "orange", "red", "carmine",
             "violet", "purple", "indigo", "grey", "default"}
FLEX_MODES = {"none", "stretch", "flow", "bisect", "trisect"}
FILE_TYPES = {"opus", "mp4", "pdf", "doc", "xls", "ppt", "stream"}
BUTTON_TYPES = {"default", "primary", "danger", "text", "primary_text", "danger_text",
                "primary_filled", "danger_filled", "laser"}
# Sending a message (create or reply): (scope, at most, in any this many seconds)
SEND_LIMITS = (("app", 50, 1.0), ("app:60", 1000, 60.0))
TARGET_PER_SECOND = 5


class CardRejected(ValueError):
    pass


def check_card(card: dict[str, Any]) -> None:
    """What Feishu's card builder would refuse (code 230099)."""
    _only(card, "card")
    if card.get("schema") != "2.0":
        raise CardRejected("schema must be 2.0")
    _only(card.get("config", {}), "config")
    if card.get("config", {}).get("update_multi") is not True:
        raise CardRejected("JSON 2.0 cards must be shared (update_multi true)")
    header = card.get("header", {})
    _only(header, "header")
    if header and header.get("template") not in TEMPLATES:
        raise CardRejected(f"unknown header template {header.get('template')!r}")
    for element in card.get("body", {}).get("elements", []):
        _element(element)


def _only(obj: dict[str, Any], kind: str) -> None:
    unknown = set(obj) - CARD_KEYS[kind]
    if unknown:
        raise CardRejected(f"unknown property {sorted(unknown)} in {kind}")


def _element(element: dict[str, Any]) -> None:
    tag = element.get("tag")
    if tag not in CARD_KEYS:
        raise CardRejected(f"unknown tag {tag!r}")
    _only(element, tag)
    if tag == "column_set":
        if element.get("flex_mode", "none") not in FLEX_MODES:
            raise CardRejected("bad flex_mode")
        for column in element["columns"]:
            _only(column, "column")
            for inner in column.get("elements", []):
                _element(inner)
    elif tag == "button":
        if element.get("type", "default") not in BUTTON_TYPES:
            raise CardRejected("bad button type")
        if not element.get("behaviors"):
            raise CardRejected("button without behaviors")
    elif tag == "img" and not str(element.get("img_key", "")).startswith("img_"):
        raise CardRejected("img needs an img_key")


@dataclass
class FakeMessage:
    message_id: str
    chat_id: str | None
    receive_id: str
    msg_type: str
    content: str
    uuid: str | None = None
    parent_id: str | None = None
    sender: str = "bot"
    versions: list[str] = field(default_factory=list)   # earlier contents, before PATCHes

    @property
    def body(self) -> Any:
        return json.loads(self.content)


def _error(status: int, code: int, msg: str, headers: dict[str, str] | None = None) -> web.Response:
    return web.json_response({"code": code, "msg": msg}, status=status, headers=headers)


def _ok(data: dict[str, Any] | None = None, **extra: Any) -> web.Response:
    return web.json_response({"code": 0, "msg": "success", **({"data": data} if data is not None else {}), **extra})


class FakeFeishu(SpeechToText, FakePlatformServer):
    """`calls`: (method, path) of every API call that passed the token check; `refused`:
    (method, path) of the calls answered 429; `throttle(times, reset)` scripts those."""

    def __init__(self, app_id: str, app_secret: str, bot_open_id: str = "ou_bot",
                 clock: Callable[[], datetime] | None = None) -> None:
        super().__init__()
        self.clock = clock                       # None: no limits kept
        self.limited: list[str] = []             # scopes whose limit refused a message
        self._arrivals: dict[str, deque[datetime]] = defaultdict(deque)
        self.app_id, self.app_secret, self.bot_open_id = app_id, app_secret, bot_open_id
        self.valid_tokens: set[str] = set()
        self.token_fetches = 0
        self.messages: dict[str, FakeMessage] = {}
        self.by_uuid: dict[str, str] = {}
        self.repeated_uuids: list[str] = []     # sends again under a uuid already used (Feishu keeps one)
        self.chats: set[str] = set()            # chats the bot is a member of
        self.card_updates: list[tuple[str, dict[str, Any]]] = []
        self.images: dict[str, bytes] = {}
        self.resources: dict[tuple[str, str], tuple[bytes, str]] = {}
        self.files: dict[str, tuple[str, str, bytes]] = {}   # file_key -> (file_type, name, bytes)
        self.lose_answer_left = 0               # create the message, then answer 502 (lost reply)
        self._ids = itertools.count(1)

    # -- test controls ----------------------------------------------------------------------

    def receive(self, message_id: str, chat_id: str, sender: str) -> None:
        """A message a person sent (so the bot can reply to it)."""
        self.messages[message_id] = FakeMessage(message_id, chat_id, chat_id, "text", "{}",
                                                sender=sender)

    def expire_tokens(self) -> None:
        self.valid_tokens.clear()

    def throttle(self, times: int, reset_seconds: str) -> None:
        """The next `times` API calls get HTTP 429, to try again in `reset_seconds`."""
        self.fail_next("throttle", *[reset_seconds] * times)

    def sent(self, receive_id: str) -> list[FakeMessage]:
        return [m for m in self.messages.values() if m.sender == "bot" and m.receive_id == receive_id]

    # -- the server -------------------------------------------------------------------------

    def middlewares(self) -> list:
        return [self._auth]

    @web.middleware
    async def _auth(self, request: web.Request, handler: Any) -> web.StreamResponse:
        if request.path.startswith("/open-apis/auth/"):
            return await handler(request)
        auth = request.headers.get("Authorization", "")
        if not auth.startswith("Bearer ") or not auth[7:]:
            return _error(400, 99991661, "Missing access token for authorization. "
                                         "Please make a request with token attached.")
        if auth[7:] not in self.valid_tokens:
            return _error(400, 99991663, "Invalid access token for authorization. "
                                         "Please make a request with token attached.")
        reset = self.scripted("throttle")
        if reset is not None:
            return self.refuse((request.method, request.path), _error(
                429, 99991400, "request trigger frequency limit",
                {"x-ogw-ratelimit-limit": "50", "x-ogw-ratelimit-reset": reset}))
        self.record(request.method, request.path)
        return await handler(request)

    @endpoint("POST", "/open-apis/auth/v3/tenant_access_token/internal")
    async def token(self, request: web.Request) -> web.Response:
        body = await request.json()
        if body.get("app_id") != self.app_id or body.get("app_secret") != self.app_secret:
            return _error(400, 10014, "app secret invalid")
        self.token_fetches += 1
        token = f"t-g{self.token_fetches:04d}fake"
        self.valid_tokens.add(token)
        return web.json_response({"code": 0, "msg": "ok", "tenant_access_token": token, "expire": 7200})

    def _content_error(self, msg_type: str, content: Any) -> web.Response | None:
        if not isinstance(content, str):
            return _error(400, 230001, "Your request contains an invalid request parameter, ext=content")
        if msg_type == "interactive":
            if len(content.encode()) > 30 * 1024:
                return _error(400, 230025, "The length of the message content reaches its limit.")
            try:
                check_card(json.loads(content))
            except (CardRejected, ValueError, KeyError, TypeError, AttributeError) as error:
                return _error(400, 230099, f"Failed to create card content, ext=ErrMsg: {error}")
        elif msg_type == "text":
            if "text" not in json.loads(content):
                return _error(400, 230001, "invalid text content")
        elif msg_type == "file":
            if json.loads(content).get("file_key") not in self.files:
                return _error(400, 230001, "invalid file_key")
        else:
            return _error(400, 230001, f"unsupported msg_type {msg_type}")
        return None

    def _over_limit(self, receive_id: str) -> web.Response | None:
        """Count this message in every window it falls in, or refuse it as Feishu would."""
        if self.clock is None:
            return None
        now = self.clock()
        windows = [(scope, count, period) for scope, count, period in SEND_LIMITS]
        windows.append((f"to:{receive_id}", TARGET_PER_SECOND, 1.0))
        for scope, count, period in windows:
            seen = self._arrivals[scope]
            while seen and (now - seen[0]).total_seconds() >= period:
                seen.popleft()
            if len(seen) >= count:
                self.limited.append(scope)
                if scope.startswith("to:"):
                    return _error(400, 230020, "This operation triggers the frequency limit.")
                wait = max(1, round(period - (now - seen[0]).total_seconds()))
                return _error(429, 99991400, "request trigger frequency limit",
                              {"x-ogw-ratelimit-limit": str(count), "x-ogw-ratelimit-reset": str(wait)})
        for scope, _, _ in windows:
            self._arrivals[scope].append(now)
        return None

    def _post(self, chat_id: str | None, receive_id: str, body: dict[str, Any],
              parent: str | None) -> web.Response:
        uuid = body.get("uuid")
        if uuid and uuid in self.by_uuid:  # "at most one message per uuid within 1 h"
            self.repeated_uuids.append(uuid)
            return self._message_answer(self.messages[self.by_uuid[uuid]])
        refused = self._over_limit(receive_id)
        if refused is not None:
            return refused
        message = FakeMessage(f"om_bot{next(self._ids):06d}", chat_id, receive_id, body["msg_type"],
                              body["content"], uuid, parent)
        self.messages[message.message_id] = message
        if uuid:
            self.by_uuid[uuid] = message.message_id
        if self.lose_answer_left > 0:
            self.lose_answer_left -= 1
            return web.Response(status=502, text="<html>502 Bad Gateway</html>", content_type="text/html")
        return self._message_answer(message)

    @staticmethod
    def _message_answer(message: FakeMessage) -> web.Response:
        return _ok({"message_id": message.message_id, "chat_id": message.chat_id,
                    "msg_type": message.msg_type, "body": {"content": message.content},
                    "parent_id": message.parent_id, "sender": {"id": "cli_fake", "id_type": "app_id",
                                                               "sender_type": "app"}})

    @endpoint("POST", "/open-apis/im/v1/messages")
    async def create(self, request: web.Request) -> web.Response:
        id_type = request.query.get("receive_id_type")
        if id_type not in ("chat_id", "open_id", "union_id", "user_id", "email"):
            return _error(400, 99992402, "field validation failed: receive_id_type")
        body = await request.json()
        problem = self._content_error(body.get("msg_type"), body.get("content"))
        if problem:
            return problem
        receive_id = body.get("receive_id", "")
        if id_type == "chat_id" and receive_id not in self.chats:
            return _error(400, 230002, "Bot/User can NOT be out of the chat.")
        if id_type == "open_id" and not receive_id.startswith("ou_"):
            return _error(400, 230013, "Bot has NO availability to this user.")
        return self._post(receive_id if id_type == "chat_id" else None, receive_id, body, None)

    @endpoint("POST", "/open-apis/im/v1/messages/{message_id}/reply")
    async def reply(self, request: web.Request) -> web.Response:
        parent = self.messages.get(request.match_info["message_id"])
        if parent is None:
            return _error(400, 230011, "The message was withdrawn.")
        body = await request.json()
        problem = self._content_error(body.get("msg_type"), body.get("content"))
        if problem:
            return problem
        return self._post(parent.chat_id, parent.chat_id or parent.receive_id, body, parent.message_id)

    @endpoint("PATCH", "/open-apis/im/v1/messages/{message_id}")
    async def patch(self, request: web.Request) -> web.Response:
        message = self.messages.get(request.match_info["message_id"])
        if message is None or message.sender != "bot":
            return _error(400, 230001, "invalid message_id")
        if message.msg_type != "interactive":
            return _error(400, 230001, "only cards can be updated")
        body = await request.json()
        problem = self._content_error("interactive", body.get("content"))
        if problem:
            return problem
        message.versions.append(message.content)
        message.content = body["content"]
        return _ok()

    @endpoint("POST", "/open-apis/interactive/v1/card/update")
    async def card_update(self, request: web.Request) -> web.Response:
        body = await request.json()
        if not str(body.get("token", "")).startswith("c-"):
            return _error(400, 200810, "token is invalid")
        try:
            check_card(body["card"])
        except (CardRejected, KeyError) as error:
            return _error(400, 230099, f"Failed to create card content: {error}")
        self.card_updates.append((body["token"], body["card"]))
        return _ok()

    @endpoint("POST", "/open-apis/im/v1/images")
    async def upload_image(self, request: web.Request) -> web.Response:
        form = await request.post()
        image = form.get("image")
        if form.get("image_type") != "message" or image is None or not hasattr(image, "file"):
            return _error(400, 234001, "Invalid request param.")
        key = f"img_v3_fake{next(self._ids):04d}"
        self.images[key] = image.file.read()
        return _ok({"image_key": key})

    @endpoint("POST", "/open-apis/im/v1/files")
    async def upload_file(self, request: web.Request) -> web.Response:
        """im/v1/files: file_type one of Feishu's, a file_name with its suffix, a file that is
        neither empty nor over 30 MB."""
        form = await request.post()
        upload = form.get("file")
        if (form.get("file_type") not in FILE_TYPES or not form.get("file_name")
                or upload is None or not hasattr(upload, "file")):
            return _error(400, 234001, "Invalid request param.")
        data = upload.file.read()
        if not data:
            return _error(400, 234010, "File's size can't be 0.")
        if len(data) > 30 * 1024 * 1024:
            return _error(400, 234006, "The file size exceed the max value.")
        key = f"file_v3_fake{next(self._ids):04d}"
        self.files[key] = (form["file_type"], form["file_name"], data)
        return _ok({"file_key": key})

    def sent_files(self, receive_id: str) -> list[tuple[str, bytes]]:
        """(name, bytes) of every file message the bot sent to `receive_id`."""
        found = []
        for message in self.sent(receive_id):
            if message.msg_type == "file":
                _, name, data = self.files[message.body["file_key"]]
                found.append((name, data))
        return found

    @endpoint("GET", "/open-apis/im/v1/messages/{message_id}/resources/{file_key}")
    async def resource(self, request: web.Request) -> web.StreamResponse:
        found = self.resources.get((request.match_info["message_id"], request.match_info["file_key"]))
        if found is None or request.query.get("type") not in ("image", "file"):
            return _error(400, 234003, "File not in msg.")
        data, content_type = found
        if len(data) > 100 * 1024 * 1024:   # what Feishu lets a bot download
            return _error(400, 234037, "Downloaded file size exceeds limit.")
        return web.Response(body=data, content_type=content_type)

    @endpoint("GET", "/open-apis/bot/v3/info")
    async def bot_info(self, request: web.Request) -> web.Response:
        return web.json_response({"code": 0, "msg": "ok", "bot": {
            "activate_status": 2, "app_name": "sitebot", "avatar_url": "", "ip_white_list": [],
            "open_id": self.bot_open_id}})
