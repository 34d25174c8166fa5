"""The Feishu adapter the delivery worker sends through: text and JSON 2.0 cards to chats
(chat_id) and people (open_id), replies to the message that asked, in-place card updates, and
Feishu's rate limits as windows the worker respects.

A retried send carries the same `uuid` (the outbox idempotency key), so Feishu posts it at
most once even when our first attempt did reach it and only the answer got lost.
"""
from __future__ import annotations

import hashlib
import json
import logging
from collections import OrderedDict
from pathlib import Path

from bot.delivery.ports import PermanentError, PostRef, Sent
from bot.feishu import cards
from bot.feishu.api import FeishuApi
from bot.feishu.events import PLATFORM
from bot.feishu.files import send_file
from bot.media import MediaStore, TYPES
from handlers.chat.cards import Card, Image
from handlers.chat.contract import File, Target, Text

log = logging.getLogger(__name__)

RECEIVE_ID_TYPES = {"chat": "chat_id", "user": "open_id"}
UUID_MAX = 50          # Feishu's limit on the idempotency field
APP_PER_SECOND = 50    # per app: 50/s and 1000/min ("reaching either limit is limited")
APP_PER_MINUTE = 1000
TARGET_PER_SECOND = 5  # per group (shared by all bots in it) and per user: 5 QPS


def feishu_uuid(key: str) -> str:
    """The outbox key when it fits Feishu's 50 characters, else a stable hash of it."""
    return key if len(key) <= UUID_MAX else "h" + hashlib.sha256(key.encode()).hexdigest()[:40]


class FeishuAdapter:
    platform = PLATFORM

    def __init__(self, api: FeishuApi, media: MediaStore | None = None, cache_size: int = 500) -> None:
        self.api, self.media = api, media
        self._image_keys: OrderedDict[str, str] = OrderedDict()
        self._cache_size = cache_size

    def limits(self, target: Target) -> list[tuple[str, int, float]]:
        return [(f"{PLATFORM}:app", APP_PER_SECOND, 1.0), (f"{PLATFORM}:app:60", APP_PER_MINUTE, 60.0),
                (f"{PLATFORM}:{target.kind}:{target.id}", TARGET_PER_SECOND, 1.0)]

    async def send(self, target: Target, body: Text | Card | File, *, idempotency_key: str,
                   reply_to: str | None) -> Sent:
        uuid = feishu_uuid(idempotency_key)
        if isinstance(body, File):
            if target.kind not in RECEIVE_ID_TYPES:
                raise PermanentError(f"feishu cannot send to a {target.kind!r}")
            return await send_file(self.api, RECEIVE_ID_TYPES[target.kind], target.id, body, uuid, reply_to)
        msg_type, content = await self.content(body)
        if reply_to:
            try:
                return Sent(await self.api.reply(reply_to, msg_type, content, uuid))
            except PermanentError as error:  # the message was recalled or is too old to quote
                log.info("feishu: reply to %s refused (%s); sending plainly", reply_to, error)
        id_type = RECEIVE_ID_TYPES.get(target.kind)
        if id_type is None:
            raise PermanentError(f"feishu cannot send to a {target.kind!r}")
        return Sent(await self.api.send(id_type, target.id, msg_type, content, uuid))

    async def update(self, post: PostRef, body: Card) -> Sent | None:
        _, content = await self.content(body)
        await self.api.patch(post.message_id, content)
        return None

    async def content(self, body: Text | Card) -> tuple[str, str]:
        """(msg_type, content string) for the message APIs."""
        if isinstance(body, Text):
            return "text", json.dumps({"text": body.text}, ensure_ascii=False)
        return "interactive", json.dumps(await self.render(body), ensure_ascii=False)

    async def render(self, card: Card) -> dict:
        """The Feishu card JSON, with its images uploaded to Feishu first."""
        keys = {}
        for block in card.blocks:
            if isinstance(block, Image):
                keys[block.ref] = await self.image_key(block.ref)
        return cards.render(card, keys.get)

    async def image_key(self, ref: str) -> str | None:
        """A Feishu img_key for an image ref: already one (img_…), a photo we keep (/media/…),
        or a received message's image ("om_…/img_…", downloaded and uploaded again: a bot may
        only show images it uploaded). None when it cannot be shown."""
        if ref.startswith("img_"):
            return ref
        if ref in self._image_keys:
            self._image_keys.move_to_end(ref)
            return self._image_keys[ref]
        data = await self.fetch_media(ref)
        if data is None:
            return None
        try:
            key = await self.api.upload_image(data[0])
        except PermanentError as error:  # show the card without the picture rather than not at all
            log.warning("feishu: image %s not uploaded: %s", ref, error)
            return None
        self._image_keys[ref] = key
        while len(self._image_keys) > self._cache_size:
            self._image_keys.popitem(last=False)
        return key

    async def fetch_media(self, ref: str) -> tuple[bytes, str] | None:
        """The bytes of an attachment ref from a Feishu message ("om_…/key") or of a photo we
        keep ("/media/name"): (data, content type), None if it is neither."""
        if ref.startswith("/media/") and self.media is not None:
            path = self.media.root / Path(ref).name
            if not path.is_file():
                return None
            ext = path.suffix.lstrip(".")
            content_type = next((t for t, e in TYPES.items() if e == ext), "image/jpeg")
            return path.read_bytes(), content_type
        message_id, _, key = ref.partition("/")
        if message_id.startswith("om_") and key:
            return await self.api.download(message_id, key, "image")
        return None
