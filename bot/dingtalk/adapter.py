"""Delivery to DingTalk: the delivery worker's adapter.

Targets: "chat" is a group's conversationId or `dm:<userId>` (someone's one-to-one chat with
the robot); "user" is a userId (staffId).

Order of channels for a message: an interactive card when a template is configured and the
card has buttons or live state; otherwise the conversation's sessionWebhook while it is valid
(it came with their last message); otherwise the robot OpenAPI (groupMessages/send,
oToMessages/batchSend). Interactive cards change in place (by outTrackId); robot messages
cannot be edited, so a fallback card's new state is posted as a new message.
"""
from __future__ import annotations

import hashlib
import uuid
from datetime import datetime, timedelta
from typing import Callable

from bot.delivery import card_line
from bot.delivery.ports import PostRef, Sent
from bot.dingtalk import cards
from bot.dingtalk.api import DingTalkApi, SessionGone
from bot.dingtalk.config import DingTalkConfig
from bot.dingtalk.events import dm_chat, user_of_chat
from bot.dingtalk.files import send_file
from handlers.chat.cards import Card
from handlers.chat.contract import File, Target, Text

# DingTalk: 20 messages a minute per robot per chat, or the robot is blocked for 10 minutes
# (130101). The worker's windows are exact ("at most N in any P seconds"); 19 in 61 s leaves
# a margin for the difference between our clock and DingTalk's arrival times.
PER_CHAT = (19, 61.0)
SESSION_MARGIN = timedelta(seconds=60)   # do not start a reply on a webhook about to expire


class DingTalkAdapter:
    platform = "dingtalk"

    def __init__(self, api: DingTalkApi, config: DingTalkConfig, clock: Callable[[], datetime],
                 public_url: str) -> None:
        self.api, self.config, self.clock, self.public_url = api, config, clock, public_url
        self._sessions: dict[str, tuple[str, datetime]] = {}

    def remember_session(self, chat_id: str, url: str, expires: datetime) -> None:
        self._sessions[chat_id] = (url, expires)

    def limits(self, target: Target) -> list[tuple[str, int, float]]:
        user = _user(target)
        scope = f"dingtalk:user:{user}" if user is not None else f"dingtalk:chat:{target.id}"
        count, period = PER_CHAT
        return [(scope, count, period)]

    def dedupes(self, target: Target, body: Text | Card | File, op: str) -> bool:
        """Only an interactive card (its outTrackId) is dropped when sent again; a robot message
        or file, or a fallback card's new line, would reach the chat twice (the worker marks
        those before sending: bot/delivery/handover.py)."""
        return isinstance(body, Card) and self._interactive(body)

    async def send(self, target: Target, body: Text | Card | File, *, idempotency_key: str,
                   reply_to: str | None) -> Sent:
        if isinstance(body, File):   # a sessionWebhook cannot carry files: the robot OpenAPI
            return await send_file(self.api, self.config, _user(target), target.id, body)
        if isinstance(body, Card) and self._interactive(body):
            # Same row, same outTrackId: a retried send cannot create a second live copy.
            out_track_id = "sb-" + hashlib.sha1(idempotency_key.encode()).hexdigest()[:24]
            user = _user(target)
            await self.api.create_and_deliver(out_track_id, cards.card_params(body, self.public_url),
                                              group=None if user else target.id, user=user)
            return Sent(out_track_id, {"kind": "interactive", "outTrackId": out_track_id})
        sent = await self._message(target, body)
        if isinstance(body, Card) and body.card_key:   # what later changes are told against
            return Sent(sent.message_id, {"line": card_line.signature(body)})
        return sent

    async def update(self, post: PostRef, body: Card) -> Sent | None:
        if post.handle.get("kind") == "interactive":
            await self.api.update_card(post.message_id, cards.card_params(body, self.public_url))
            return None
        seen = card_line.signature(body)
        if post.handle.get("line") == seen:
            return None
        sent = await self._message(post.target, card_line.line_card(body))
        return Sent(post.message_id, {"last_message": sent.message_id, "line": seen})

    async def _message(self, target: Target, body: Text | Card) -> Sent:
        content = body.text if isinstance(body, Text) else body
        url = self._session(target)
        if url is not None:
            try:
                await self.api.session_send(url, cards.session_message(
                    content, self.public_url, self.config.app_secret))
                return Sent("session:" + uuid.uuid4().hex[:16])
            except SessionGone:
                self._sessions.pop(_chat(target), None)
        msg_key, param = cards.openapi_message(content, self.public_url, self.config.app_secret)
        user = _user(target)
        if user is None:
            key = await self.api.send_group(target.id, msg_key, param)
        else:
            key = await self.api.send_users([user], msg_key, param)
        return Sent(key or "openapi:" + uuid.uuid4().hex[:16])

    def _interactive(self, card: Card) -> bool:
        return self.config.interactive and bool(card.actions or card.card_key)

    def _session(self, target: Target) -> str | None:
        found = self._sessions.get(_chat(target))
        if found is None:
            return None
        url, expires = found
        if self.clock() + SESSION_MARGIN >= expires:
            return None
        return url


def _user(target: Target) -> str | None:
    return target.id if target.kind == "user" else user_of_chat(target.id)


def _chat(target: Target) -> str:
    return dm_chat(target.id) if target.kind == "user" else target.id
