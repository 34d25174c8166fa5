"""The console's own little chat server: message history per chat and live subscribers.

History is kept in memory (the console is a demo and test surface, not a system of record) and
is gone after a restart, as are updates to cards posted before it. It is bounded: per chat, and
in the number of chats (anyone can write to any chat id, so the chats written to least recently
are forgotten first). Message ids carry a token drawn at start, so an id is never reused after a
restart: the database still remembers where each card was posted, and an update meant for a
card of the last run must not land on a new message that happens to get the same number.
"""
from __future__ import annotations

import asyncio
import itertools
import secrets
from collections import OrderedDict, defaultdict, deque
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
    def __init__(self, history_limit: int = 300, max_chats: int = 500) -> None:
        self.history_limit, self.max_chats = history_limit, max_chats
        self._history: OrderedDict[str, deque[ConsoleMessage]] = OrderedDict()  # least recent first
        self._by_id: dict[str, ConsoleMessage] = {}
        self._subscribers: dict[str, set[asyncio.Queue]] = defaultdict(set)
        self._run = secrets.token_hex(4)     # this run's ids: cm-<run>-<n>
        self._ids = itertools.count(1)

    def post(self, chat_id: str, sender: str, sender_name: str, body: dict[str, Any]) -> ConsoleMessage:
        history = self._chat(chat_id)
        if len(history) == history.maxlen:
            self._by_id.pop(history[0].id, None)
        message = ConsoleMessage(f"cm-{self._run}-{next(self._ids)}", chat_id, sender, sender_name, body,
                                 datetime.now(timezone.utc).isoformat())
        history.append(message)
        self._by_id[message.id] = message
        self._publish(chat_id, {"event": "message", "message": message.as_json()})
        return message

    def update(self, message_id: str, body: dict[str, Any], chat_id: str | None = None) -> ConsoleMessage | None:
        """None when the message is not (any more) in this run's history, or, with `chat_id`,
        not in that chat."""
        message = self._by_id.get(message_id)
        if message is None or (chat_id is not None and message.chat_id != chat_id):
            return None
        message.body, message.version = body, message.version + 1
        self._publish(message.chat_id, {"event": "update", "message": message.as_json()})
        return message

    def get(self, message_id: str) -> ConsoleMessage | None:
        return self._by_id.get(message_id)

    def history(self, chat_id: str) -> list[ConsoleMessage]:
        return list(self._history.get(chat_id, ()))

    def chats(self) -> int:
        """How many chats have history now (at most `max_chats`)."""
        return len(self._history)

    def subscribe(self, chat_id: str) -> asyncio.Queue:
        queue: asyncio.Queue = asyncio.Queue(maxsize=1000)
        self._subscribers[chat_id].add(queue)
        return queue

    def unsubscribe(self, chat_id: str, queue: asyncio.Queue) -> None:
        queues = self._subscribers.get(chat_id)
        if queues is not None:
            queues.discard(queue)
            if not queues:   # nobody watches it: no entry left behind for a made-up chat id
                del self._subscribers[chat_id]

    def _chat(self, chat_id: str) -> deque[ConsoleMessage]:
        history = self._history.get(chat_id)
        if history is None:
            history = self._history[chat_id] = deque(maxlen=self.history_limit)
            while len(self._history) > self.max_chats:
                _, forgotten = self._history.popitem(last=False)
                for message in forgotten:
                    self._by_id.pop(message.id, None)
        else:
            self._history.move_to_end(chat_id)
        return history

    def _publish(self, chat_id: str, event: dict[str, Any]) -> None:
        for queue in list(self._subscribers.get(chat_id, ())):
            if queue.full():  # a stalled page; it reloads history when it reconnects
                self.unsubscribe(chat_id, queue)
            else:
                queue.put_nowait(event)


def dm_chat(user_id: str) -> str:
    """The console chat id of a person's one-to-one chat with the bot."""
    return f"dm:{user_id}"
