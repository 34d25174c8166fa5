"""The console's own little chat server: message history per chat and live subscribers.

History is kept in memory (the console is a demo and test surface, not a system of record);
it is bounded per chat, and is gone after a restart, as are updates to cards posted before it.
"""
from __future__ import annotations

import asyncio
import itertools
from collections import defaultdict, deque
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from typing import Any

BOT = "sitebot"


@dataclass
class ConsoleMessage:
    id: str
    chat_id: str
    sender: str          # "sitebot" or the console user id
    sender_name: str
    body: dict[str, Any]  # neutral payload: {"type": "text"|"card", ...}
    at: str
    version: int = 1

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


class ConsoleHub:
    def __init__(self, history_limit: int = 300) -> None:
        self._history: dict[str, deque[ConsoleMessage]] = defaultdict(lambda: deque(maxlen=history_limit))
        self._by_id: dict[str, ConsoleMessage] = {}
        self._subscribers: dict[str, set[asyncio.Queue]] = defaultdict(set)
        self._ids = itertools.count(1)

    def post(self, chat_id: str, sender: str, sender_name: str, body: dict[str, Any]) -> ConsoleMessage:
        history = self._history[chat_id]
        if len(history) == history.maxlen:
            self._by_id.pop(history[0].id, None)
        message = ConsoleMessage(f"cm-{next(self._ids)}", chat_id, sender, sender_name, body,
                                 datetime.now(timezone.utc).isoformat())
        history.append(message)
        self._by_id[message.id] = message
        self._publish(chat_id, {"event": "message", "message": message.as_json()})
        return message

    def update(self, message_id: str, body: dict[str, Any]) -> ConsoleMessage | None:
        message = self._by_id.get(message_id)
        if message is None:
            return None
        message.body, message.version = body, message.version + 1
        self._publish(message.chat_id, {"event": "update", "message": message.as_json()})
        return message

    def get(self, message_id: str) -> ConsoleMessage | None:
        return self._by_id.get(message_id)

    def history(self, chat_id: str) -> list[ConsoleMessage]:
        return list(self._history.get(chat_id, ()))

    def subscribe(self, chat_id: str) -> asyncio.Queue:
        queue: asyncio.Queue = asyncio.Queue(maxsize=1000)
        self._subscribers[chat_id].add(queue)
        return queue

    def unsubscribe(self, chat_id: str, queue: asyncio.Queue) -> None:
        self._subscribers[chat_id].discard(queue)

    def _publish(self, chat_id: str, event: dict[str, Any]) -> None:
        for queue in list(self._subscribers.get(chat_id, ())):
            if queue.full():  # a stalled page; it reloads history when it reconnects
                self._subscribers[chat_id].discard(queue)
            else:
                queue.put_nowait(event)


def dm_chat(user_id: str) -> str:
    """The console chat id of a person's one-to-one chat with the bot."""
    return f"dm:{user_id}"
