"""What every edge does with an event it has authenticated and read, before the event is stored
or handled: odd values from outside never reach a handler or the inbox (domain/inputs.py says
why each is refused).

- Text (the message, names, a location's address) loses NUL and other control characters.
- A button press whose value no button of ours carries (a NaN, an Infinity, a 1e30 where an id
  belongs) becomes a press of no known button: the dispatcher answers it like any stale button
  (这个按钮已失效) and nothing changes. Stored as it came, a NaN would not even reach the inbox
  on PostgreSQL, and the platform would be told to send it again forever.

Also the JSON reader for the bodies of edges that take JSON: malformed input, however deeply
nested, is a 400 with one log line, never a RecursionError's traceback.
"""
from __future__ import annotations

import dataclasses
import json
import logging
from typing import Any

from aiohttp import web

from bot.inbound import Refused
from domain.inputs import clean_text, plausible_value
from handlers.chat.contract import CardClick, Inbound, Joined, Message

log = logging.getLogger(__name__)
NO_BUTTON = ""   # no handler is registered under it: the dispatcher says the button is stale
MAX_EVENT_ID = 191     # inbound_events.event_id
MAX_PLATFORM_ID = 128  # a user, chat or message id where the outbox keeps one (target, reply_to)


def screened(event: Inbound) -> Inbound:
    """The event as it may be stored and handled. Refused (400) when its ids are longer than
    any platform's and than the columns that keep them (PostgreSQL refused the row: a 503, and
    the platform sent it again and again)."""
    ids = (event.actor.user_id, event.conversation.chat_id, getattr(event, "message_id", None) or "")
    if len(event.event_id) > MAX_EVENT_ID or any(len(i) > MAX_PLATFORM_ID for i in ids):
        raise Refused("an id longer than any platform's", 400)
    if isinstance(event, Message):
        return _clean_message(event)
    if isinstance(event, CardClick) and not plausible_value(event.value):
        log.warning("%s press %s (%s) carries a value no button of ours has; answered as stale",
                    event.platform, event.event_id, event.action[:40])
        return dataclasses.replace(event, action=NO_BUTTON, value={})
    if isinstance(event, Joined):
        title = _clean(event.conversation.title)
        return dataclasses.replace(event, conversation=dataclasses.replace(event.conversation, title=title))
    return event


def _clean_message(message: Message) -> Message:
    """Only what cleaning changes is copied: nearly every message is clean already, and a
    dataclasses.replace per part was a twentieth of the acknowledgement's CPU."""
    attachments = tuple(_changed(a, name=_clean(a.name), address=_clean(a.address))
                        for a in message.attachments)
    mentions = tuple(_changed(m, name=_clean(m.name)) for m in message.mentions)
    return _changed(message, text=clean_text(message.text), attachments=attachments,
                    mentions=mentions, actor=_changed(message.actor, name=_clean(message.actor.name)),
                    conversation=_changed(message.conversation, title=_clean(message.conversation.title)))


def _changed(item: Any, **values: Any) -> Any:
    """`item` with `values`, or `item` itself when it has them all already."""
    if all(getattr(item, name) == value for name, value in values.items()):
        return item
    return dataclasses.replace(item, **values)


def _clean(text: str | None) -> str | None:
    return clean_text(text) if isinstance(text, str) else text


async def read_body(request: web.Request, limit: int) -> bytes:
    """The body, when it is at most `limit` bytes; Refused (413) before reading it when its
    Content-Length says more, or once the read passes the app's own limit."""
    if request.content_length is not None and request.content_length > limit:
        raise Refused(f"body of {request.content_length} bytes, over {limit}", 413)
    try:
        raw = await request.read()
    except web.HTTPRequestEntityTooLarge:
        raise Refused(f"body over the {request.client_max_size} byte limit", 413) from None
    if len(raw) > limit:
        raise Refused(f"body of {len(raw)} bytes, over {limit}", 413)
    return raw


def json_object(raw: bytes | str) -> dict[str, Any]:
    """A request body that must be one JSON object. Refused (400) otherwise."""
    try:
        body = json.loads(raw)
    except (ValueError, RecursionError):   # JSONDecodeError, bad UTF-8, nesting past the stack
        raise Refused("body is not JSON", 400) from None
    if not isinstance(body, dict):
        raise Refused("body is not a JSON object", 400)
    return body
