"""Drives the web console over real HTTP, as the page does."""
from __future__ import annotations

import uuid
from typing import Any

from bot import keys


class ConsoleDriver:
    def __init__(self, client) -> None:  # noqa: ANN001 - aiohttp TestClient
        self.client = client
        self.app = client.server.app

    async def say(self, user: str, chat: str, text: str, event_id: str | None = None,
                  deliver: bool = True) -> dict[str, Any]:
        response = await self.client.post("/console/api/messages", json={
            "user": user, "chat": chat, "text": text, "event_id": event_id or uuid.uuid4().hex})
        assert response.status == 200, await response.text()
        if deliver:
            await self.deliver()
        return await response.json()

    async def click(self, user: str, chat: str, message_id: str, action: str,
                    value: dict[str, Any], event_id: str | None = None) -> dict[str, Any]:
        response = await self.client.post("/console/api/actions", json={
            "user": user, "chat": chat, "message_id": message_id, "action": action, "value": value,
            "event_id": event_id or uuid.uuid4().hex})
        assert response.status == 200, await response.text()
        await self.deliver()
        return await response.json()

    async def press(self, user: str, chat: str, card: dict[str, Any], label: str) -> dict[str, Any]:
        """Press the button labelled `label` on a card message from history."""
        button = next(a for a in card["body"]["actions"] if a["label"] == label)
        return await self.click(user, chat, card["id"], button["action"], button["value"])

    async def deliver(self) -> None:
        await self.app[keys.WORKER].drain()

    async def history(self, chat: str, user: str = "u-admin") -> list[dict[str, Any]]:
        response = await self.client.get("/console/api/history", params={"chat": chat, "user": user})
        assert response.status == 200
        return (await response.json())["messages"]

    async def bot_messages(self, chat: str, user: str = "u-admin") -> list[dict[str, Any]]:
        return [m for m in await self.history(chat, user) if m["sender"] == "sitebot"]

    async def last_bot(self, chat: str, user: str = "u-admin") -> dict[str, Any]:
        messages = await self.bot_messages(chat, user)
        assert messages, f"no bot message in {chat}"
        return messages[-1]

    async def last_text(self, chat: str, user: str = "u-admin") -> str:
        body = (await self.last_bot(chat, user))["body"]
        return body["text"] if body["type"] == "text" else card_text(body)


def card_text(body: dict[str, Any]) -> str:
    """Everything a person reads on a card, as one string (for assertions)."""
    parts = [body["title"]]
    for block in body.get("blocks", []):
        if block["type"] == "fields":
            parts += [f"{f['label']}: {f['value']}" for f in block["items"]]
        elif "text" in block:
            parts.append(block["text"])
        elif block["type"] == "progress":
            parts.append(f"{block['label']} {block['percent']}%")
    parts += [a["label"] for a in body.get("actions", [])]
    return "\n".join(parts)


def note(body: dict[str, Any]) -> str:
    return next(b["text"] for b in body["blocks"] if b["type"] == "note")


def field(body: dict[str, Any], label: str) -> str:
    for block in body["blocks"]:
        if block["type"] == "fields":
            for item in block["items"]:
                if item["label"] == label:
                    return item["value"]
    raise KeyError(label)
