"""Delivery into the console hub: the console's "platform API"."""
from __future__ import annotations

from bot.console.hub import BOT, ConsoleHub, dm_chat
from bot.delivery.ports import PermanentError, PostRef, Sent
from handlers.chat.cards import Card
from handlers.chat.contract import Target, Text

PLATFORM = "console"


def _chat_of(target: Target) -> str:
    return target.id if target.kind == "chat" else dm_chat(target.id)


class ConsoleAdapter:
    platform = PLATFORM

    def __init__(self, hub: ConsoleHub) -> None:
        self.hub = hub

    async def send(self, target: Target, body: Text | Card, *, idempotency_key: str,
                   reply_to: str | None) -> Sent:
        message = self.hub.post(_chat_of(target), BOT, "sitebot", body.to_payload())
        return Sent(message.id)

    async def update(self, post: PostRef, body: Card) -> Sent | None:
        # Only the message posted there: never another chat's, whatever its id.
        if self.hub.update(post.message_id, body.to_payload(), chat_id=_chat_of(post.target)) is None:
            raise PermanentError(f"console message {post.message_id} is gone (restarted?)")
        return None
