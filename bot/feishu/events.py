"""Feishu schema 2.0 events -> the neutral contract (`Message`, `CardClick`, `Joined`).

A table from event type to parser, each reading the documented JSON (PLATFORMS.md 1.2, 1.3)
as lark-oapi's event models would: an object the event needs that is missing or not an object,
a list that is not a list, makes the event `Unreadable`. A parser returns None for an event
that is authentic but not for us (a bot's own message, a sticker …); the edge then answers 200
and does nothing.

De-duplication ids: messages use `message_id` (Feishu's advice: a re-pushed message may come
with a new event_id), everything else `header.event_id`.
"""
from __future__ import annotations

import json
import logging
import math
from typing import Any, Callable

from handlers.chat.contract import (Actor, Attachment, CardClick, Conversation, Inbound, Joined,
                               Mention, Message, Recalled)

PLATFORM = "feishu"
log = logging.getLogger(__name__)

Parser = Callable[[dict[str, Any], str | None], Inbound | None]


class Unreadable(ValueError):
    """An authentic event whose fields are missing or of the wrong type."""


def to_neutral(envelope: dict[str, Any], bot_open_id: str | None) -> Inbound | None:
    """`bot_open_id`: our own open_id, to tell "@bot" from other mentions (None: unknown)."""
    header = envelope.get("header")
    event_type = header.get("event_type") if isinstance(header, dict) else None
    parser = PARSERS.get(event_type) if isinstance(event_type, str) else None
    if parser is None:
        return None
    try:
        return parser(envelope, bot_open_id)
    # RecursionError: a message's content is JSON in a string, parsed here, however nested
    except (TypeError, ValueError, AttributeError, KeyError, RecursionError) as error:
        raise Unreadable(f"{event_type}: {error}") from None


def _obj(parent: dict[str, Any], key: str) -> dict[str, Any]:
    """A JSON object the event needs."""
    value = parent.get(key)
    if not isinstance(value, dict):
        raise TypeError(f"{key}: expected an object, got {type(value).__name__}")
    return value


def _opt(parent: dict[str, Any], key: str) -> dict[str, Any]:
    """A JSON object the event may leave out ({} then)."""
    return {} if parent.get(key) is None else _obj(parent, key)


def _list(parent: dict[str, Any], key: str) -> list[Any]:
    value = parent.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise TypeError(f"{key}: expected a list, got {type(value).__name__}")
    return value


def _message(envelope: dict[str, Any], bot_open_id: str | None) -> Message | None:
    data = _obj(envelope, "event")
    sender, msg = _obj(data, "sender"), _obj(data, "message")
    if sender.get("sender_type") != "user":  # other bots, apps: never commands
        return None
    message_id, chat_id, chat_type = msg.get("message_id"), msg.get("chat_id"), msg.get("chat_type")
    open_id = _obj(sender, "sender_id").get("open_id")
    _required(message_id, chat_id, open_id)
    content = json.loads(msg.get("content") or "{}")
    text, attachments = _content(msg.get("message_type"), message_id, content)
    if text is None:
        return None
    mentions, addressed = [], chat_type == "p2p"
    for mention in _list(msg, "mentions"):
        if not isinstance(mention, dict):
            raise TypeError("mentions: expected objects")
        key, name = mention.get("key"), mention.get("name")
        mentioned = _opt(mention, "id").get("open_id")
        if _is_us(mentioned, bot_open_id, text, key):
            addressed = True
            text = text.replace(key, "")
        elif mentioned:
            mentions.append(Mention(mentioned, name))
            text = text.replace(key, f"@{name}" if name else "")
    return Message(platform=PLATFORM, event_id=message_id,
                   actor=Actor(PLATFORM, open_id),
                   conversation=Conversation(PLATFORM, chat_id, is_group=chat_type != "p2p"),
                   text=_tidy(text),
                   attachments=tuple(attachments), mentions=tuple(mentions),
                   message_id=message_id, addressed=addressed)


def _is_us(open_id: str | None, bot_open_id: str | None, text: str, key: str) -> bool:
    if bot_open_id:
        return open_id == bot_open_id
    # Our open_id unknown (bot info unavailable): an @ leading the text is taken for us —
    # without the group-message scope Feishu only sends group messages that @ the bot.
    return text.lstrip().startswith(key)


def _required(*values: Any) -> None:
    if not all(isinstance(v, str) and v for v in values):
        raise ValueError("an id the event needs is missing")


def _tidy(text: str) -> str:
    """Spaces left where an @bot was removed; keep the line breaks people typed."""
    return "\n".join(" ".join(line.split()) for line in text.splitlines()).strip()


def _content(kind: str, message_id: str, content: dict[str, Any]) -> tuple[str | None, list[Attachment]]:
    """(text, attachments) of one message; text None for kinds we do not read."""
    if kind == "text":
        return str(content.get("text", "")), []
    if kind == "image":
        return "", [Attachment("image", ref=f"{message_id}/{content['image_key']}")]
    if kind == "file":
        return "", [Attachment("file", ref=f"{message_id}/{content['file_key']}",
                               name=content.get("file_name"))]
    if kind == "location":
        location = _location(content)
        return ("", [location]) if location else (None, [])
    if kind == "post":
        return _post(message_id, content)
    if kind == "audio":   # {"file_key", "duration" (ms)}: transcribed before handling (files.py)
        return "", [Attachment("voice", ref=f"{message_id}/{content['file_key']}")]
    return None, []


def _location(content: dict[str, Any]) -> Attachment | None:
    try:
        lat, lng = float(content["latitude"]), float(content["longitude"])
    except (KeyError, TypeError, ValueError):
        log.warning("feishu location message without usable coordinates: %s", content)
        return None
    if not (math.isfinite(lat) and math.isfinite(lng) and -90 <= lat <= 90 and -180 <= lng <= 180):
        return None
    name = content.get("name")
    address = content.get("address")
    return Attachment("location", name=name if isinstance(name, str) else None,
                      latitude=lat, longitude=lng,
                      address=address if isinstance(address, str) else None)


def _post(message_id: str, content: dict[str, Any]) -> tuple[str, list[Attachment]]:
    """Rich text: paragraphs of text/link/@ elements, with images among them."""
    if "content" not in content and len(content) == 1:  # {"zh_cn": {...}} as sent
        content = next(iter(content.values()))
    lines = [content["title"]] if content.get("title") else []
    attachments = []
    for paragraph in content.get("content") or ():
        parts = []
        for element in paragraph:
            tag = element.get("tag")
            if tag in ("text", "a", "code_block"):
                parts.append(element.get("text", ""))
            elif tag == "at":
                key = element.get("user_id", "")
                parts.append(key if key.startswith("@_") else f"@{element.get('user_name', '')}")
            elif tag in ("img", "media") and element.get("image_key"):
                attachments.append(Attachment("image", ref=f"{message_id}/{element['image_key']}"))
        lines.append("".join(parts))
    return "\n".join(line for line in lines if line.strip()), attachments


def _card_click(envelope: dict[str, Any], bot_open_id: str | None) -> CardClick | None:
    data = _obj(envelope, "event")
    value = _opt(_opt(data, "action"), "value")
    args = value.get("value") if isinstance(value.get("value"), dict) else {}
    action = value.get("action") if isinstance(value.get("action"), str) else ""
    operator, context = _obj(data, "operator"), _obj(data, "context")
    _required(envelope["header"]["event_id"], operator.get("open_id"),
              context.get("open_message_id"), context.get("open_chat_id"))
    # The callback does not say whether the chat is a group; handlers do not rely on it.
    return CardClick(platform=PLATFORM, event_id=envelope["header"]["event_id"],
                     actor=Actor(PLATFORM, operator["open_id"]),
                     conversation=Conversation(PLATFORM, context["open_chat_id"]),
                     action=action, value=args, message_id=context["open_message_id"])


def _joined(envelope: dict[str, Any], bot_open_id: str | None) -> Joined:
    data = _obj(envelope, "event")
    operator = _opt(data, "operator_id").get("open_id")
    _required(envelope["header"]["event_id"], data.get("chat_id"))
    return Joined(platform=PLATFORM, event_id=envelope["header"]["event_id"],
                  actor=Actor(PLATFORM, operator or ""),
                  conversation=Conversation(PLATFORM, data["chat_id"], True, data.get("name")))


def _recalled(envelope: dict[str, Any], bot_open_id: str | None) -> Recalled:
    """`im.message.recalled_v1`: {message_id, chat_id, recall_time, recall_type}. It does not
    say who recalled (recall_type: message_owner, group_owner, group_manager …)."""
    data = _obj(envelope, "event")
    _required(envelope["header"]["event_id"], data.get("message_id"), data.get("chat_id"))
    return Recalled(platform=PLATFORM, event_id=envelope["header"]["event_id"],
                    actor=Actor(PLATFORM, ""), conversation=Conversation(PLATFORM, data["chat_id"]),
                    recalled_message_id=data["message_id"])


PARSERS: dict[str, Parser] = {
    "im.message.receive_v1": _message,
    "card.action.trigger": _card_click,
    "im.chat.member.bot.added_v1": _joined,
    "im.message.recalled_v1": _recalled,
}


def callback_token(envelope: dict[str, Any]) -> str | None:
    """The card callback's token, good for a delayed card update within 30 minutes."""
    event = envelope.get("event")
    token = event.get("token") if isinstance(event, dict) else None
    return token if isinstance(token, str) else None
