"""The neutral chat contract. Platform edges turn their payloads into `Message` / `CardClick`
and render `Text` / `Card` / `Toast` back; handlers see nothing else."""
from __future__ import annotations

import base64
import functools
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any

from handlers.chat.cards import Card


@dataclass(frozen=True)
class Actor:
    """Who did it, as the platform knows them."""
    platform: str
    user_id: str
    name: str | None = None


@dataclass(frozen=True)
class Conversation:
    """Where it happened: a group chat, or a one-to-one chat with the bot."""
    platform: str
    chat_id: str
    is_group: bool = True
    title: str | None = None


@dataclass(frozen=True)
class Attachment:
    kind: str                      # image | location | file
    ref: str | None = None         # platform resource key (image_key, MediaId, downloadCode …)
    name: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    address: str | None = None


@dataclass(frozen=True)
class Mention:
    user_id: str
    name: str | None = None


@dataclass(frozen=True)
class Message:
    """Someone wrote to the bot (a command, a report, a photo …)."""
    platform: str
    event_id: str                  # the platform's id for this delivery; de-duplicated on it
    actor: Actor
    conversation: Conversation
    text: str = ""
    attachments: tuple[Attachment, ...] = ()
    mentions: tuple[Mention, ...] = ()   # other people @-mentioned (the bot itself removed)
    message_id: str | None = None        # to reply in thread
    addressed: bool = True               # @-mentioned the bot, or wrote to it one-to-one


@dataclass(frozen=True)
class CardClick:
    """Someone pressed a button on one of our cards."""
    platform: str
    event_id: str
    actor: Actor
    conversation: Conversation
    action: str                    # "area.verb", e.g. ticket.accept
    value: dict[str, Any] = field(default_factory=dict)
    message_id: str | None = None  # the card's message, to update it in place
    # What the platform gave with this press for updating the card later, kept on the card's
    # post before the handler runs (WeCom: a fresh single-use response_code).
    card_handle: dict[str, Any] | None = None


@dataclass(frozen=True)
class Joined:
    """The bot was added to a group chat (by `actor`, when the platform says who)."""
    platform: str
    event_id: str
    actor: Actor
    conversation: Conversation


@dataclass(frozen=True)
class Unverified:
    """A message the platform's signature could not vouch for (DingTalk: a signature already
    bound to another message, as two sent in one millisecond share one): it is not acted on,
    and since the platform will not deliver it again, its chat is asked to send it again.
    `sent_at`: the time the platform signed (ISO), the one detail shown."""
    platform: str
    event_id: str
    actor: Actor
    conversation: Conversation
    sent_at: str


@dataclass(frozen=True)
class Recalled:
    """Someone withdrew a message on the platform (Feishu `im.message.recalled_v1`).
    `recalled_message_id`: the platform's id of the withdrawn message (what `Message.message_id`
    was). The platform may not say who withdrew it (Feishu does not): `actor.user_id` is then ""."""
    platform: str
    event_id: str
    actor: Actor
    conversation: Conversation
    recalled_message_id: str


Inbound = Message | CardClick | Joined | Unverified | Recalled


@dataclass(frozen=True)
class Text:
    text: str

    def to_payload(self) -> dict[str, Any]:
        return {"type": "text", "text": self.text}


@dataclass(frozen=True)
class File:
    """A file sent as a file message (an import template). Its bytes travel in the outbox row,
    base64: what the bot sends this way is a few kB, so it is capped (FILE_MAX) rather than
    kept elsewhere."""
    name: str
    data: bytes

    def __post_init__(self) -> None:
        if len(self.data) > FILE_MAX:
            raise ValueError(f"file {self.name!r} is {len(self.data)} bytes; the outbox takes {FILE_MAX}")

    def to_payload(self) -> dict[str, Any]:
        return {"type": "file", "name": self.name, "data": base64.b64encode(self.data).decode("ascii")}


FILE_MAX = 512 * 1024


@dataclass(frozen=True)
class Toast:
    text: str
    kind: str = "info"  # info | success | warning | error


@dataclass(frozen=True)
class Target:
    """Where an outgoing message goes: a chat, or one person on one platform."""
    platform: str
    kind: str       # chat | user
    id: str


@dataclass(frozen=True)
class Outgoing:
    target: Target
    body: Text | Card | File
    reply_to: str | None = None
    locale: str = "zh-CN"
    key: str | None = None  # idempotency suffix; defaults to the position in the reply


@dataclass
class Reply:
    """What a handler produced for one inbound event."""
    messages: list[Outgoing] = field(default_factory=list)
    toast: Toast | None = None
    changed_cards: list[str] = field(default_factory=list)  # live card keys to refresh


def payload_to_body(payload: dict[str, Any]) -> Text | Card | File:
    if payload.get("type") == "text":
        return Text(payload["text"])
    if payload.get("type") == "file":
        return File(payload["name"], base64.b64decode(payload["data"]))
    return Card.from_payload(payload)


def sent_at_now(now: datetime) -> str:
    return now.isoformat()


_KINDS: dict[str, type] = {"message": Message, "click": CardClick, "joined": Joined,
                           "unverified": Unverified, "recalled": Recalled}


_KIND_OF: dict[type, str] = {cls: name for name, cls in _KINDS.items()}


def to_record(event: Inbound) -> dict[str, Any]:
    """The event as plain JSON, to be stored in the inbox and read back by `from_record`.
    What `dataclasses.asdict` gives, at half its cost: every event passes here before its
    acknowledgement (asdict was a tenth of the ack's CPU)."""
    return {"kind": _KIND_OF[type(event)], **_plain(event)}


def _plain(value: Any) -> Any:
    if hasattr(value, "__dataclass_fields__"):
        return {name: _plain(getattr(value, name)) for name in _field_names(type(value))}
    if isinstance(value, (tuple, list)):
        return type(value)(_plain(item) for item in value)
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return value


@functools.cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in fields(cls))


def from_record(record: dict[str, Any]) -> Inbound:
    fields = dict(record)
    cls = _KINDS[fields.pop("kind")]
    fields["actor"] = Actor(**fields["actor"])
    fields["conversation"] = Conversation(**fields["conversation"])
    if cls is Message:
        fields["attachments"] = tuple(Attachment(**a) for a in fields.get("attachments", ()))
        fields["mentions"] = tuple(Mention(**m) for m in fields.get("mentions", ()))
    return cls(**fields)
