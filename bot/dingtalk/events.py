"""A robot callback's JSON -> the neutral `Message`, or a `CardClick` when the message is a
fallback card button's command (see cards.py), or None for what we ignore.

Chat ids: a group is its conversationId (what groupMessages/send takes as openConversationId);
a one-to-one chat is `dm:<userId>`, so replies there can go through oToMessages/batchSend.
"""
from __future__ import annotations

import hashlib
import json
import logging
import re
from dataclasses import dataclass
from typing import Any

from bot.dingtalk.config import DingTalkConfig
from bot.dingtalk.origin import MAX_ID, check_recipient, milliseconds
from bot.dingtalk.verify import button_mac
from bot.inbound import Refused
from handlers.capture.voice import HEARD, UNHEARD, VOICE
from handlers.chat.contract import Actor, Attachment, CardClick, Conversation, Mention, Message

log = logging.getLogger(__name__)
PLATFORM = "dingtalk"
DM_PREFIX = "dm:"   # conversationIds start with "cid", so this can never collide
MARK = "#sb"        # starts the machine part of a fallback button's command
_COMMAND = re.compile(r"^(?P<label>.*?)\s*#sb\s+(?P<action>[a-z_]+\.[a-z_]+)\s+"
                      r"(?P<value>\{.*\})\s+(?P<mac>[0-9a-f]{12})\s*$", re.S)


def dm_chat(user_id: str) -> str:
    return DM_PREFIX + user_id


def user_of_chat(chat_id: str) -> str | None:
    return chat_id[len(DM_PREFIX):] if chat_id.startswith(DM_PREFIX) else None


def button_command(label: str, action: str, value: dict, secret: str) -> str:
    """The text a fallback button makes its presser send to the bot."""
    body = f"{action} {json.dumps(value, ensure_ascii=False, separators=(',', ':'), sort_keys=True)}"
    return f"{label} {MARK} {body} {button_mac(secret, body)}"


@dataclass(frozen=True)
class Incoming:
    msg_id: str
    event: Message | CardClick | None          # None: a kind of message we ignore
    session_webhook: str | None = None
    session_expires_ms: int | None = None


def parse(body: Any, config: DingTalkConfig) -> Incoming:
    """Refused (400, or 403 when it is not for our robot) for a body we cannot take."""
    if not isinstance(body, dict):
        raise Refused("body is not a JSON object")
    check_recipient(body, config)
    msg_id, kind = _str(body, "msgId"), _str(body, "msgtype")
    conversation_id, sender = _str(body, "conversationId"), _str(body, "senderId")
    if not (msg_id and kind and conversation_id and sender):
        raise Refused("callback without msgId, msgtype, conversationId or senderId")
    if max(len(msg_id), len(conversation_id), len(sender), len(_str(body, "senderStaffId"))) > MAX_ID:
        raise Refused(f"an id longer than {MAX_ID} characters")
    expires = milliseconds(body.get("sessionWebhookExpiredTime"), "sessionWebhookExpiredTime")
    # A staffId names a member of the organisation it comes from: one from another
    # organisation (an external member of a group) is not our staff member of that staffId.
    ours = _str(body, "senderCorpId") in ("", config.corp_id)
    user = (_str(body, "senderStaffId") if ours else "") or sender
    is_group = str(body.get("conversationType")) == "2"
    chat_id = conversation_id if is_group else dm_chat(user)
    actor = Actor(PLATFORM, user, _str(body, "senderNick") or None)
    conversation = Conversation(PLATFORM, chat_id, is_group=is_group,
                                title=_str(body, "conversationTitle") or None)
    text, pictures = _content(body, kind)
    files = _file(body, kind)
    if kind == "audio":
        text, files = _voice(body)
    if text is None and not pictures and not files:
        log.info("dingtalk: ignoring %s message %s", kind, msg_id)
        return Incoming(msg_id, None)
    text = (text or "").strip()
    session = _str(body, "sessionWebhook") or None
    click = _click(text, config.app_secret)
    if click is not None and not pictures:
        action, value = click
        event: Message | CardClick = CardClick(PLATFORM, msg_id, actor, conversation, action, value)
    else:
        robot = _str(body, "chatbotUserId")
        mentions = tuple(Mention(str(u.get("staffId") or u.get("dingtalkId")))
                         for u in _list(body, "atUsers") if isinstance(u, dict)
                         and u.get("dingtalkId") != robot and (u.get("staffId") or u.get("dingtalkId")))
        event = Message(PLATFORM, msg_id, actor, conversation, text=text,
                        attachments=tuple(Attachment("image", ref=code) for code in pictures) + files,
                        mentions=mentions, message_id=msg_id, addressed=True)
    return Incoming(msg_id, event, session, expires)


def _content(body: dict, kind: str) -> tuple[str | None, list[str]]:
    """(text, picture download codes) of a text, picture or richText message."""
    if kind == "text":
        text = body.get("text")
        return (str(text.get("content") or "") if isinstance(text, dict) else ""), []
    content = body.get("content")
    if not isinstance(content, dict):
        return None, []
    if kind == "picture":
        code = content.get("downloadCode")
        return None, [str(code)] if code else []
    if kind == "richText":
        parts, pictures = [], []
        for item in _list(content, "richText"):
            if not isinstance(item, dict):
                continue
            if item.get("text"):
                parts.append(str(item["text"]))
            elif item.get("downloadCode") and item.get("type", "picture") == "picture":
                pictures.append(str(item["downloadCode"]))
        return " ".join(parts), pictures[:9]
    return None, []


def _file(body: dict, kind: str) -> tuple[Attachment, ...]:
    """A file sent to the robot: content {downloadCode, fileName} (robot messageFiles/download)."""
    content = body.get("content")
    if kind != "file" or not isinstance(content, dict) or not content.get("downloadCode"):
        return ()
    name = content.get("fileName")
    return (Attachment("file", ref=str(content["downloadCode"])[:512],
                       name=name[:200] if isinstance(name, str) else None),)


def _voice(body: dict) -> tuple[str, tuple[Attachment, ...]]:
    """An audio message to the robot: content {duration, downloadCode, recognition}. DingTalk's
    own recognition is the text when it gave one; there is no speech API for robots to ask
    instead, so without it the sender is asked again (handlers/capture/voice.py)."""
    content = body.get("content")
    heard = content.get("recognition") if isinstance(content, dict) else None
    text = heard.strip() if isinstance(heard, str) else ""
    return text, (Attachment(VOICE, ref=HEARD if text else UNHEARD),)


def _click(text: str, secret: str) -> tuple[str, dict] | None:
    found = _COMMAND.match(text) if MARK in text else None
    if found is None:
        return None
    body = f"{found['action']} {found['value']}"
    if button_mac(secret, body) != found["mac"]:
        log.warning("dingtalk: button command with a wrong mac: %r", text[:200])
        return None
    try:
        value = json.loads(found["value"])
    except ValueError:
        return None
    return (found["action"], value) if isinstance(value, dict) else None


def _str(body: dict, key: str) -> str:
    value = body.get(key)
    return str(value).strip() if isinstance(value, (str, int)) and not isinstance(value, bool) else ""


def _list(body: dict, key: str) -> list:
    value = body.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise Refused(f"{key} is not a list")
    return value


# --- interactive card callbacks ------------------------------------------------------------
# An interactive card's HTTP callback -> what was pressed, by whom, on which card.
#
# The body (as the Stream SDK documents it for topic /v1.0/card/instances/callback):
# `{"type": "actionCallback", "outTrackId", "userId", "corpId", "content": "<JSON string:
# {"cardPrivateData": {"actionIds": [...], "params": {...}}}>"}`. sitebot's template sends the
# button's `action` and `value` (a JSON string) as params (README, "Connect DingTalk").


@dataclass(frozen=True)
class Pressed:
    event_id: str
    out_track_id: str
    user_id: str
    action: str
    value: dict


def parse_card_press(body: Any, minute: int) -> Pressed:
    """`minute`: the current minute (epoch seconds // 60), see the event id below."""
    if not isinstance(body, dict):
        raise Refused("card callback body is not a JSON object")
    out_track_id, user_id = body.get("outTrackId"), body.get("userId")
    if not isinstance(out_track_id, str) or not out_track_id or not isinstance(user_id, str) or not user_id:
        raise Refused("card callback without outTrackId or userId")
    try:
        content = json.loads(body.get("content") or "{}")
        params = content["cardPrivateData"]["params"]
        action, raw_value = params["action"], params.get("value") or "{}"
        value = json.loads(raw_value) if isinstance(raw_value, str) else raw_value
    except (ValueError, KeyError, TypeError):
        raise Refused("card callback without cardPrivateData.params.action") from None
    if not isinstance(action, str) or not isinstance(value, dict):
        raise Refused("card callback action/value of the wrong type")
    # No delivery id is documented for HTTP card callbacks. The same press within the same
    # minute is taken as a platform retry (one effect); a press in a later minute is new.
    given = body.get("requestId") or body.get("callbackId")
    event_id = str(given) if isinstance(given, str) and given else "card:" + hashlib.sha256(
        json.dumps([out_track_id, user_id, body.get("content"), minute], ensure_ascii=False).encode()
    ).hexdigest()[:40]
    return Pressed(event_id, out_track_id, user_id, action, value)
