"""Plays Feishu towards sitebot: builds documented payloads, encrypts and signs them, posts
them to /webhooks/feishu, and lets the test look at what reached the fake open platform."""
from __future__ import annotations

import copy
import json
import uuid
from typing import Any

from bot import keys
from tests.conftest import data_file
from tests.platforms.feishu.fake_open_platform import FakeFeishu
from tests.platforms.feishu.signing import wrap

APP_ID, APP_SECRET = "cli_sitebot_test", "secret-for-tests"
VTOKEN, ENCRYPT_KEY = "vtoken123", "test key"
BOT = "ou_bot"


def sample(name: str) -> dict[str, Any]:
    return json.loads(data_file(f"feishu/{name}").read_text(encoding="utf-8"))


CONTENTS = sample("contents.json")


def message_event(sender: str, chat_id: str, content: dict[str, Any], *, message_type: str = "text",
                  message_id: str | None = None, chat_type: str = "group",
                  mentions: list[tuple[str, str, str]] = ()) -> dict[str, Any]:
    """mentions: (key, open_id, name)."""
    payload = sample("message_text.json")
    payload["header"]["event_id"] = uuid.uuid4().hex
    message = payload["event"]["message"]
    payload["event"]["sender"]["sender_id"]["open_id"] = sender
    message.update(message_id=message_id or f"om_{uuid.uuid4().hex}", chat_id=chat_id,
                   chat_type=chat_type, message_type=message_type,
                   content=json.dumps(content, ensure_ascii=False))
    message["mentions"] = [{"key": k, "id": {"open_id": o, "union_id": "", "user_id": ""},
                            "name": n, "tenant_key": "2ca1d211f64f6438"} for k, o, n in mentions]
    if not message["mentions"]:
        del message["mentions"]
    return payload


def click_event(operator: str, chat_id: str, message_id: str, value: dict[str, Any],
                event_id: str | None = None) -> dict[str, Any]:
    payload = sample("card_action_trigger.json")
    payload["header"]["event_id"] = event_id or uuid.uuid4().hex
    payload["event"]["operator"]["open_id"] = operator
    payload["event"]["action"]["value"] = value
    payload["event"]["context"] = {"open_message_id": message_id, "open_chat_id": chat_id}
    payload["event"]["token"] = f"c-{uuid.uuid4().hex}"
    return payload


class FeishuDriver:
    def __init__(self, client, fake: FakeFeishu, clock) -> None:  # noqa: ANN001
        self.client, self.fake, self.clock = client, fake, clock
        self.app = client.server.app

    async def post(self, payload: dict[str, Any] | bytes, *, encrypted: bool = True,
                   headers: dict[str, str] | None = None, key: str = ENCRYPT_KEY):
        if isinstance(payload, bytes):
            body, sent_headers = payload, {"Content-Type": "application/json"}
        else:
            body, sent_headers = wrap(payload, key, int(self.clock().timestamp()), encrypted=encrypted)
        response = await self.client.post("/webhooks/feishu", data=body,
                                          headers={**sent_headers, **(headers or {})})
        await self.app[keys.INBOX].drain()   # what the background consumer does after the 200
        return response

    async def say(self, sender: str, chat_id: str, text: str, *, at_bot: bool = True,
                  chat_type: str = "group", message_id: str | None = None,
                  deliver: bool = True) -> str:
        """A person writes (with "@sitebot " in front unless at_bot=False); returns message_id."""
        mentions = [("@_user_1", BOT, "sitebot")] if at_bot else []
        content = {"text": f"@_user_1 {text}" if at_bot else text}
        event = message_event(sender, chat_id, content, chat_type=chat_type,
                              message_id=message_id, mentions=mentions)
        message_id = event["event"]["message"]["message_id"]
        self.fake.receive(message_id, chat_id, sender)
        response = await self.post(event)
        assert response.status == 200, await response.text()
        if deliver:
            await self.deliver()
        return message_id

    async def click(self, operator: str, chat_id: str, message_id: str, value: dict[str, Any],
                    event_id: str | None = None) -> dict[str, Any]:
        response = await self.post(click_event(operator, chat_id, message_id, value, event_id))
        assert response.status == 200, await response.text()
        answer = await response.json()
        await self.deliver()
        return answer

    async def deliver(self) -> None:
        await self.app[keys.WORKER].drain()

    def cards(self, receive_id: str) -> list[Any]:
        return [m for m in self.fake.sent(receive_id) if m.msg_type == "interactive"]


def card_texts(card: dict[str, Any]) -> str:
    """Everything readable on a Feishu card JSON, for assertions."""
    out = [card["header"]["title"]["content"]]

    def walk(elements: list[dict[str, Any]]) -> None:
        for element in elements:
            if element["tag"] == "markdown":
                out.append(element["content"])
            elif element["tag"] == "button":
                out.append(element["text"]["content"])
            elif element["tag"] == "column_set":
                for column in element["columns"]:
                    walk(column["elements"])
    walk(card["body"]["elements"])
    return "\n".join(out)


def buttons(card: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """label -> callback value of every callback button on a card."""
    found = {}
    for element in card["body"]["elements"]:
        if element["tag"] == "column_set":
            for column in element["columns"]:
                for inner in column["elements"]:
                    if inner["tag"] == "button":
                        behaviour = inner["behaviors"][0]
                        if behaviour["type"] == "callback":
                            found[inner["text"]["content"]] = copy.deepcopy(behaviour["value"])
    return found
