"""Delivery to WeCom: the delivery worker's adapter.

Targets: "user" is a member's UserID; "chat" is either `dm:<UserID>` (the member's chat with
the app, where their messages came from) or an appchat id (a project group the app created).

Live cards: a member's copy is a template card whose `task_id` is our message id. Changing it
needs a `response_code`, single use and valid 72 h: sending gives one, every button press
gives a fresh one (the edge stores it on the card post before dispatching). When the code is
used up or older than 72 h, WeCom cannot touch that card any more: the change is then one
short line (bot/delivery/card_line.py), not a fresh copy of the card — the reporter used to get
seven copies of one ticket (issue 16). The old card stays the copy: pressing one of its buttons
brings a fresh code, so the next change updates it in place again. Group messages cannot be
edited at all: the group gets the card once, then a short line per change. A change a line
cannot show (a photo added) posts nothing and keeps the code for one that matters.

Template cards carry no pictures: a member's card with pictures we keep (/media/…, such as the
report's chart) is followed by each as an image message (media/upload type=image), once, when
the card is first sent. A picture that cannot go is left out; the card has gone already.
"""
from __future__ import annotations

import hashlib
import logging
import mimetypes
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Callable

from bot.delivery import card_line
from bot.delivery.ports import DeliveryError, PermanentError, PostRef, Sent
from bot.wecom import cards
from bot.wecom.api import WeComApi, WeComApiError
from bot.wecom.events import user_of_chat
from bot.wecom.files import send_file
from handlers.chat.cards import Card, Image
from handlers.chat.contract import File, Target, Text
from handlers.chat.ports import CapabilityError

log = logging.getLogger(__name__)
CODE_LIFETIME = timedelta(hours=72)
PICTURE_BYTES = 10 * 1024 * 1024    # media/upload type=image: at most 10 MB, JPG or PNG
# WeCom drops what goes over these silently, so the worker must never exceed them.
PER_MEMBER = [(30, 60.0), (1000, 3600.0)]   # app messages to one member
PER_GROUP = [(200, 60.0)]                   # appchat: what one member may receive a minute


class WeComAdapter:
    platform = "wecom"

    def __init__(self, api: WeComApi, clock: Callable[[], datetime], link: str,
                 group_hint: str, submit: str = "OK", media: Any = None) -> None:
        self.api, self.clock, self.link, self.group_hint = api, clock, link, group_hint
        self.media = media     # bot/media.py MediaStore: the pictures we keep
        self.submit = submit   # a choice card's submit button (bot/wecom/cards.py)

    async def create_group(self, chat_id: str, title: str, owner: str, members: list[str]) -> str:
        """建群 (handlers.chat.ports.GroupMaker): an appchat with these members."""
        try:
            return await self.api.appchat_create(chat_id, title, owner, members)
        except DeliveryError as error:
            raise CapabilityError(str(error)) from error

    def limits(self, target: Target) -> list[tuple[str, int, float]]:
        user = _member(target)
        if user is not None:
            return [(f"wecom:user:{user}:{period:g}", count, period) for count, period in PER_MEMBER]
        # Per group, not per member: a member in several of our groups could in theory get
        # more than 200 a minute; project groups do not come near that.
        return [(f"wecom:chat:{target.id}:{period:g}", count, period) for count, period in PER_GROUP]

    async def send(self, target: Target, body: Text | Card | File, *, idempotency_key: str,
                   reply_to: str | None) -> Sent:
        user = _member(target)
        if isinstance(body, File):
            return await send_file(self.api, user, target.id, body)
        if user is None:
            return await self._to_group(target.id, body)
        if isinstance(body, Text):
            answer = await self.api.send_message({"touser": user, **cards.text(body.text)})
            return Sent(str(answer.get("msgid") or idempotency_key))
        # Same row, same task id: a retried send cannot create a second live copy.
        task_id = "sb-" + hashlib.sha1(idempotency_key.encode()).hexdigest()[:24]
        return await self._card_to(user, body, task_id)

    async def update(self, post: PostRef, body: Card) -> Sent | None:
        seen = card_line.signature(body)
        if post.handle.get("line") == seen:
            return None
        user = _member(post.target)
        if user is None:
            sent = await self._to_group(post.target.id, Text(card_line.line_text(body)))
            return Sent(post.message_id, {"last_msgid": sent.message_id, "line": seen})
        code = post.handle.get("response_code")
        if code and self._fresh(post.handle.get("code_at")):
            card = cards.template_card(body, post.message_id, self.link, self.submit)
            try:
                await self.api.update_template_card(
                    [user], code, {"template_card": card["template_card"]})
                return Sent(post.message_id, {"response_code": None, "line": seen})  # used up
            except WeComApiError:
                pass  # code refused (used elsewhere, expired early): a short line instead
        answer = await self.api.send_message({"touser": user, **cards.text(card_line.line_text(body))})
        return Sent(post.message_id, {"response_code": None, "line": seen,
                                      "last_msgid": answer.get("msgid")})

    async def _card_to(self, user: str, card: Card, task_id: str) -> Sent:
        if not cards.has_buttons(card) and card.card_key is None:
            answer = await self.api.send_message({"touser": user, **cards.markdown(card)})
            return Sent(str(answer.get("msgid") or task_id))
        answer = await self.api.send_message({"touser": user,
                                              **cards.template_card(card, task_id, self.link, self.submit)})
        await self._pictures(user, card)
        code = answer.get("response_code")
        handle = {"msgid": answer.get("msgid"), "response_code": code,
                  "code_at": self.clock().isoformat() if code else None,
                  "line": card_line.signature(card)}
        return Sent(task_id, handle)

    async def _pictures(self, user: str, card: Card) -> None:
        for block in card.blocks:
            data = self._kept(block.ref) if isinstance(block, Image) else None
            if data is None:
                continue
            name, content = data
            kind = mimetypes.guess_type(name)[0] or "image/png"
            try:
                media_id = await self.api.upload_media("image", name, content, kind)
                await self.api.send_message({"touser": user, "msgtype": "image", "image": {"media_id": media_id}})
            except DeliveryError as error:
                log.warning("wecom: picture %s not sent to %s: %s", block.ref, user, error)

    def _kept(self, ref: str) -> tuple[str, bytes] | None:
        """(name, bytes) of a JPG/PNG picture we keep under /media/, None for anything else."""
        if self.media is None or not ref.startswith("/media/"):
            return None
        path = self.media.root / Path(ref).name
        if path.suffix.lower() not in (".png", ".jpg", ".jpeg") or not path.is_file():
            return None
        if path.stat().st_size > PICTURE_BYTES:
            return None
        return path.name, path.read_bytes()

    async def _to_group(self, chatid: str, body: Text | Card) -> Sent:
        message = cards.text(body.text) if isinstance(body, Text) else cards.markdown(body, self.group_hint)
        try:
            answer = await self.api.appchat_send(chatid, message)
        except WeComApiError as error:
            raise PermanentError(f"appchat {chatid}: {error}") from None
        message_id = str(answer.get("msgid") or f"{chatid}:{uuid.uuid4().hex[:12]}")
        if isinstance(body, Card) and body.card_key:   # what later changes are told against
            return Sent(message_id, {"line": card_line.signature(body)})
        return Sent(message_id)

    def _fresh(self, code_at: str | None) -> bool:
        if not code_at:
            return False
        try:
            return self.clock() - datetime.fromisoformat(code_at) < CODE_LIFETIME
        except ValueError:
            return False


def _member(target: Target) -> str | None:
    return target.id if target.kind == "user" else user_of_chat(target.id)
