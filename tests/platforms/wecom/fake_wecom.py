"""A fake WeCom server API on 127.0.0.1, answering like qyapi.weixin.qq.com: access tokens that
expire, the error codes sitebot must handle (40014, 42001, 45009, -1), single-use response
codes, app-created group chats and media. Given the test's `clock`, app messages to one member
are kept to WeCom's 30 a minute and 1000 an hour the way WeCom does it: the excess is answered
"ok" and silently not delivered (`dropped`).

Codes we could not confirm in WeCom's docs are marked ASSUMED; sitebot treats any unknown
code as a permanent error, so their exact value does not change what it does.
"""
from __future__ import annotations

import itertools
from collections import defaultdict, deque
from datetime import datetime
from typing import Any, Callable

from aiohttp import web

from tests.platforms.fake_base import FakePlatformServer, endpoint

CORP_ID, SECRET = "wx5823bf96d3bd56c7", "test-secret"
INVALID_RESPONSE_CODE = 40058  # ASSUMED: "invalid parameter" for a used/unknown response_code
CHAT_NOT_FOUND = 40050         # "chatid不存在"
INVALID_MEDIA = 40007          # "不合法的媒体文件id" (also: a MediaId older than 3 days)
INVALID_FILE_SIZE = 40006      # "不合法的文件大小"
INVALID_IMAGE = 40009          # ASSUMED: an image media/upload that is no JPG or PNG
NO_SUCH_USER = 60111           # "UserID不存在"
ALLOWED_BUTTONS = 6
OPTIONS = (1, 20)              # vote_interaction: checkbox.option_list holds 1 to 20 options
PER_MEMBER = ((30, 60.0), (1000, 3600.0))   # app messages one member may receive


class FakeWeCom(FakePlatformServer):
    """`calls`: (path, body) of each accepted call; `refused`: (path, errcode) answered;
    `fail_next(path, *errcodes)`: errcodes to answer next on that path."""

    def __init__(self, agent_id: int = 218, clock: Callable[[], datetime] | None = None) -> None:
        super().__init__()
        self.agent_id, self.clock = agent_id, clock
        self.dropped: list[tuple[str, dict]] = []        # (member, message) over the limit
        self._received: dict[str, deque[datetime]] = defaultdict(deque)
        self.tokens: dict[str, str] = {}                 # token -> "ok" | "expired"
        self.codes: dict[str, str] = {}                  # response_code -> "unused" | "used"
        self.chats: dict[str, dict] = {}
        self.media: dict[str, tuple[bytes, str]] = {}
        self.media_names: dict[str, str] = {}            # media_id -> the uploaded file's name
        self.images: set[str] = set()                    # media ids uploaded as type=image
        self.users: dict[str, str] = {}                  # UserID -> name (the contact book)
        self._ids = itertools.count(1)

    # --- what tests look at and script ---------------------------------------------------
    def expire_tokens(self) -> None:
        self.tokens = {token: "expired" for token in self.tokens}

    def sent(self, path: str = "message/send") -> list[dict]:
        return [body for p, body in self.calls if p == path]

    def issue_code(self) -> str:
        code = f"rc-{next(self._ids)}"
        self.codes[code] = "unused"
        return code

    # --- endpoints -----------------------------------------------------------------------
    @endpoint("GET", "/cgi-bin/gettoken")
    async def gettoken(self, request: web.Request) -> web.Response:
        if request.query.get("corpid") != CORP_ID:
            return _error(40013, "invalid corpid")
        if request.query.get("corpsecret") != SECRET:
            return _error(40001, "invalid credential")
        token = f"tok-{next(self._ids)}"
        self.tokens[token] = "ok"
        self.record("gettoken", None)
        return _ok(access_token=token, expires_in=7200)

    @endpoint("POST", "/cgi-bin/message/send")
    async def message_send(self, request: web.Request) -> web.Response:
        refused, body = await self._enter(request, "message/send")
        if refused:
            return refused
        if body.get("agentid") != self.agent_id or not body.get("touser"):
            return _error(40056, "invalid agentid")   # ASSUMED code
        extra: dict[str, Any] = {}
        if body.get("msgtype") == "file" and body.get("file", {}).get("media_id") not in self.media:
            return _error(INVALID_MEDIA, "invalid media_id")
        if body.get("msgtype") == "image" and body.get("image", {}).get("media_id") not in self.images:
            return _error(INVALID_MEDIA, "invalid media_id")
        if body.get("msgtype") == "template_card":
            card = body["template_card"]
            if not card.get("task_id") or invalid_card(card):
                return _error(INVALID_RESPONSE_CODE, "invalid template_card")
            if card["card_type"] in ("button_interaction", "vote_interaction", "multiple_interaction"):
                extra["response_code"] = self.issue_code()
        for member in str(body["touser"]).split("|"):
            if self._over_limit(member):
                self.dropped.append((member, body))
        return _ok(invaliduser="", msgid=f"msg-{next(self._ids)}", **extra)

    def _over_limit(self, member: str) -> bool:
        """Counts the message for the member; True when it is one too many (not delivered)."""
        if self.clock is None:
            return False
        now, seen = self.clock(), self._received[member]
        while seen and (now - seen[0]).total_seconds() >= PER_MEMBER[-1][1]:
            seen.popleft()
        if any(sum((now - at).total_seconds() < period for at in seen) >= count
               for count, period in PER_MEMBER):
            return True
        seen.append(now)
        return False

    @endpoint("POST", "/cgi-bin/message/update_template_card")
    async def update_card(self, request: web.Request) -> web.Response:
        refused, body = await self._enter(request, "message/update_template_card")
        if refused:
            return refused
        code = body.get("response_code")
        if self.codes.get(code) != "unused":
            return _error(INVALID_RESPONSE_CODE, "invalid response_code")
        if "template_card" in body and invalid_card(body["template_card"]):
            return _error(INVALID_RESPONSE_CODE, "invalid template_card")
        self.codes[code] = "used"
        return _ok(invaliduser=[])

    @endpoint("GET", "/cgi-bin/user/get")
    async def user_get(self, request: web.Request) -> web.Response:
        """The contact book: 60111 for a UserID the company does not have."""
        refused = self._token_refusal(request)
        if refused:
            return refused
        userid = request.query.get("userid", "")
        self.record("user/get", {"userid": userid})
        if userid not in self.users:
            return _error(NO_SUCH_USER, "userid not found")
        return _ok(userid=userid, name=self.users[userid], department=[1], status=1)

    @endpoint("POST", "/cgi-bin/appchat/create")
    async def appchat_create(self, request: web.Request) -> web.Response:
        refused, body = await self._enter(request, "appchat/create")
        if refused:
            return refused
        if len(body.get("userlist", [])) < 2 or body.get("owner") not in body["userlist"]:
            return _error(40058, "invalid userlist")  # ASSUMED code
        chatid = body.get("chatid") or f"chat{next(self._ids)}"
        self.chats[chatid] = body
        return _ok(chatid=chatid)

    @endpoint("POST", "/cgi-bin/appchat/send")
    async def appchat_send(self, request: web.Request) -> web.Response:
        refused, body = await self._enter(request, "appchat/send")
        if refused:
            return refused
        if body.get("chatid") not in self.chats:
            return _error(CHAT_NOT_FOUND, "chatid not found")
        if body.get("msgtype") not in ("text", "markdown", "image", "textcard", "news", "file"):
            return _error(40008, "invalid message type")
        if body.get("msgtype") == "file" and body.get("file", {}).get("media_id") not in self.media:
            return _error(INVALID_MEDIA, "invalid media_id")
        return _ok()

    @endpoint("POST", "/cgi-bin/media/upload")
    async def media_upload(self, request: web.Request) -> web.Response:
        refused = self._token_refusal(request)
        if refused:
            return refused
        form = await request.post()
        part = form["media"]
        data = part.file.read()
        # type=file: more than 5 bytes, at most 20 MB (images 10 MB): 40006 otherwise
        if request.query.get("type") == "file" and not 5 < len(data) <= 20 * 1024 * 1024:
            return _error(INVALID_FILE_SIZE, "invalid file size")
        if request.query.get("type") == "image":   # JPG or PNG, more than 5 bytes, at most 10 MB
            if not 5 < len(data) <= 10 * 1024 * 1024:
                return _error(INVALID_FILE_SIZE, "invalid file size")
            if not data.startswith((b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")):
                return _error(INVALID_IMAGE, "invalid image")
        media_id = f"media-{next(self._ids)}"
        self.media[media_id] = (data, part.content_type)
        self.media_names[media_id] = part.filename
        if request.query.get("type") == "image":
            self.images.add(media_id)
        self.record("media/upload", {"type": request.query.get("type"), "id": media_id})
        return _ok(type=request.query.get("type"), media_id=media_id, created_at="1700000000")

    @endpoint("GET", "/cgi-bin/media/get")
    async def media_get(self, request: web.Request) -> web.Response:
        refused = self._token_refusal(request)
        if refused:
            return refused
        stored = self.media.get(request.query.get("media_id", ""))
        if stored is None:
            return _error(INVALID_MEDIA, "invalid media_id")
        name = self.media_names.get(request.query.get("media_id", ""))
        headers = {"Content-Disposition": f'attachment; filename="{name}"'} if name else None
        return web.Response(body=stored[0], content_type=stored[1], headers=headers)

    def receive_file(self, data: bytes, name: str) -> str:
        """A file a member sends the app: WeCom keeps it as media (3 days); its MediaId."""
        media_id = f"media-in-{next(self._ids)}"
        self.media[media_id] = (data, "application/octet-stream")
        self.media_names[media_id] = name
        return media_id

    def sent_images(self, path: str = "message/send") -> list[tuple[str, bytes]]:
        """(member, bytes) of each image message sent on `path`."""
        return [(b.get("touser", ""), self.media[b["image"]["media_id"]][0])
                for b in self.sent(path) if b.get("msgtype") == "image"]

    def sent_files(self, path: str = "message/send") -> list[tuple[str, bytes]]:
        """(name, bytes) of each file message sent on `path` (message/send or appchat/send)."""
        return [(self.media_names[b["file"]["media_id"]], self.media[b["file"]["media_id"]][0])
                for b in self.sent(path) if b.get("msgtype") == "file"]

    async def _enter(self, request: web.Request, path: str) -> tuple[web.Response | None, dict]:
        refused = self._token_refusal(request)
        if refused:
            return refused, {}
        body = await self.json_body(request)
        code = self.scripted(path)
        if code is not None:
            message = {-1: "system busy", 45009: "api freq out of limit"}.get(code, "err")
            return self.refuse((path, code), _error(code, message)), body
        self.record(path, body)
        return None, body

    def _token_refusal(self, request: web.Request) -> web.Response | None:
        state = self.tokens.get(request.query.get("access_token", ""))
        if state is None:
            return self.refuse((request.path, 40014), _error(40014, "invalid access_token"))
        if state == "expired":
            return self.refuse((request.path, 42001), _error(42001, "access_token expired"))
        return None


def invalid_card(card: dict) -> bool:
    """What WeCom refuses in a template card we send: more than 6 buttons; a vote_interaction
    card without its question key, with no or more than 20 options, options without id and
    text or with one id twice, or without its submit button's key."""
    if len(card.get("button_list", [])) > ALLOWED_BUTTONS:
        return True
    if card.get("card_type") != "vote_interaction":
        return False
    box, submit = card.get("checkbox") or {}, card.get("submit_button") or {}
    options = box.get("option_list") or []
    ids = [o.get("id") for o in options]
    return (not box.get("question_key") or not OPTIONS[0] <= len(options) <= OPTIONS[1]
            or not all(ids) or not all(o.get("text") for o in options) or len(set(ids)) != len(ids)
            or not submit.get("key") or not submit.get("text"))


def _ok(**fields: Any) -> web.Response:
    return web.json_response({"errcode": 0, "errmsg": "ok", **fields})


def _error(code: int, message: str) -> web.Response:
    # WeCom answers errors with HTTP 200 and the code in the body.
    return web.json_response({"errcode": code, "errmsg": message})
