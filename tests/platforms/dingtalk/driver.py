"""Drives the DingTalk edge as DingTalk does: signed robot callbacks built from the documented
payload (tests/data/dingtalk), and button presses as the presser's client would make them."""
from __future__ import annotations

import copy
import json
import uuid
from typing import Any
from urllib.parse import unquote

from bot import keys
from bot.dingtalk.verify import sign
from tests.conftest import data_file

APP_KEY, APP_SECRET = "dingappkey000000", "test-app-secret"
CORP_ID, ROBOT_CODE = "dingcorp0000000000000", "dingrobot0000000000"   # as in tests/data/dingtalk
GROUP = "cidP001siteXXXXXXXXXXXX=="
STAFF = {"u-li": "li01", "u-zhao": "zhao01", "u-wang": "wang01", "u-liu": "liu01",
         "u-chen": "chen01", "u-admin": "admin01"}
NAMES = {"li01": "李工长", "zhao01": "赵质检", "wang01": "王工", "liu01": "刘总", "chen01": "陈经理",
         "admin01": "管理员"}


def sample(name: str) -> dict[str, Any]:
    return json.loads(data_file(f"dingtalk/{name}.json").read_text(encoding="utf-8"))


def signed_headers(timestamp_ms: int, secret: str = APP_SECRET) -> dict[str, str]:
    return {"timestamp": str(timestamp_ms), "sign": sign(str(timestamp_ms), secret),
            "Content-Type": "application/json; charset=utf-8"}


class DingTalkDriver:
    def __init__(self, client, fake, clock, base: str) -> None:  # noqa: ANN001
        self.client, self.fake, self.clock, self.base = client, fake, clock, base
        self.app = client.server.app
        self._ms_offset = 0

    def now_ms(self) -> int:
        # Each request gets its own timestamp, as DingTalk's do.
        self._ms_offset += 1
        return int(self.clock().timestamp() * 1000) + self._ms_offset

    def payload(self, staff: str, text: str, chat: str = GROUP, msg_id: str | None = None,
                group: bool = True, session: bool = True) -> dict[str, Any]:
        body = copy.deepcopy(sample("group_text"))
        msg_id = msg_id or "msg" + uuid.uuid4().hex
        body.update(msgId=msg_id, senderStaffId=staff, senderNick=NAMES.get(staff, staff),
                    senderId=f"$:LWCP_v1:${staff}", conversationId=chat,
                    conversationType="2" if group else "1", text={"content": " " + text})
        if not group:
            body.pop("conversationTitle", None)
            body.pop("atUsers", None)
        now = int(self.clock().timestamp() * 1000)
        body["createAt"] = now
        if session:
            body["sessionWebhook"] = f"{self.base}/robot/sendBySession/{chat}-{msg_id}"
            body["sessionWebhookExpiredTime"] = now + 90 * 60 * 1000
        else:
            body.pop("sessionWebhook")
        return body

    async def post(self, body: Any, headers: dict[str, str] | None = None,
                   raw: bytes | None = None) -> Any:
        data = raw if raw is not None else json.dumps(body, ensure_ascii=False).encode()
        response = await self.client.post("/webhooks/dingtalk", data=data,
                                          headers=headers if headers is not None else signed_headers(self.now_ms()))
        await self.client.server.app[keys.INBOX].drain()   # as the background consumer would
        return response

    async def say(self, staff: str, text: str, deliver: bool = True, **kwargs: Any) -> dict[str, Any]:
        body = self.payload(staff, text, **kwargs)
        response = await self.post(body)
        assert response.status == 200, await response.text()
        if deliver:
            await self.deliver()
        return body

    async def press(self, staff: str, message: dict[str, Any], label: str, **kwargs: Any) -> dict:
        """Press a fallback button: the presser's client sends the button's command."""
        url = message["buttons"][label]
        prefix = "dtmd://dingtalkclient/sendMessage?content="
        assert url.startswith(prefix), url
        return await self.say(staff, unquote(url[len(prefix):]), **kwargs)

    async def deliver(self) -> None:
        await self.app[keys.WORKER].drain()

    def group_messages(self, chat: str = GROUP) -> list[dict[str, Any]]:
        return self.fake.messages_to(chat)

    def last_group(self, chat: str = GROUP) -> dict[str, Any]:
        messages = self.group_messages(chat)
        assert messages, f"nothing reached {chat}"
        return messages[-1]
