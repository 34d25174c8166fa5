"""Decrypted callback XML -> the neutral `Message` / `CardClick`, or None for what we ignore.

A self-built app's callbacks are one-to-one (member -> app) and name no group, so every
conversation here is the member's direct chat with the app, `dm:<UserID>`.
"""
from __future__ import annotations

import hashlib
import json
import logging
import math
import re
from datetime import datetime
from typing import Any
from xml.etree.ElementTree import Element

from bot.inbound import Refused
from bot.wecom.verify import parse_xml
from handlers.capture.voice import NO_RECOGNITION, VOICE
from handlers.chat.contract import Actor, Attachment, CardClick, Conversation, Mention, Message

log = logging.getLogger(__name__)
PLATFORM = "wecom"
DM_PREFIX = "dm:"  # appchat ids are [0-9a-zA-Z] only, so this prefix can never collide
# A chat with the app has no @-mentions, so "@ZhangSan" (a WeCom UserID: letters, digits,
# "_-." — never Chinese) is read as one; that is how `成员 添加 @ZhangSan P-001 工程师` works.
_USER_ID_MENTION = re.compile(r"(?<!\S)@([A-Za-z0-9_.\-]{1,64})(?!\S)")
_OPTION_TEXT = re.compile(r"[A-Za-z0-9_\-@]{1,60}")   # a string choice that may ride in an option id


def dm_chat(user_id: str) -> str:
    return DM_PREFIX + user_id


def user_of_chat(chat_id: str) -> str | None:
    """The member behind a direct-chat id, or None for a group (appchat) id."""
    return chat_id[len(DM_PREFIX):] if chat_id.startswith(DM_PREFIX) else None


def button_key(action: str, value: dict) -> str:
    """What a template-card button carries (`key`, at most 1024 bytes) and brings back."""
    return json.dumps({"a": action, "v": value}, ensure_ascii=False, separators=(",", ":"))


def option_id(value: Any) -> str | None:
    """A choice's value as a checkbox option id (it comes back in the callback's OptionId):
    "i7" for the number 7, "s<text>" for a short plain string; None for anything else."""
    if isinstance(value, int) and not isinstance(value, bool):
        return f"i{value}"
    if isinstance(value, str) and _OPTION_TEXT.fullmatch(value):
        return f"s{value}"
    return None


def option_value(ident: str) -> int | str | None:
    """The value an option id stands for (option_id's inverse), None for one we did not make."""
    if ident.startswith("i") and re.fullmatch(r"-?\d{1,12}", ident[1:]):
        return int(ident[1:])
    if ident.startswith("s") and _OPTION_TEXT.fullmatch(ident[1:]):
        return ident[1:]
    return None


def parse(plaintext: str, now: datetime) -> Message | CardClick | None:
    """`now` stamps the single-use response_code a button press brings (kept on the card's
    post, so the update the press causes uses the newest code)."""
    root = parse_xml(plaintext.encode("utf-8"))
    user = _text(root, "FromUserName")
    kind = _text(root, "MsgType")
    created = _text(root, "CreateTime")
    if not user or not kind or not created.isdigit():
        raise Refused("callback without FromUserName, MsgType or CreateTime")
    actor = Actor(PLATFORM, user)
    conversation = Conversation(PLATFORM, dm_chat(user), is_group=False)
    if kind == "event":
        return _event(root, actor, conversation, created, now)
    msg_id = _text(root, "MsgId")
    if not msg_id:
        raise Refused("message without MsgId")
    common = dict(platform=PLATFORM, event_id=msg_id, actor=actor, conversation=conversation,
                  message_id=msg_id, addressed=True)
    if kind == "text":
        content = _text(root, "Content")
        mentions = tuple(Mention(uid) for uid in _USER_ID_MENTION.findall(content))
        return Message(text=content, mentions=mentions, **common)
    if kind == "image":
        image = Attachment("image", ref=_text(root, "MediaId") or None,
                           name=_text(root, "PicUrl") or None)
        return Message(attachments=(image,), **common)
    if kind == "file":   # a file sent to the app (MediaId, valid 3 days; a name when WeCom gives one)
        file = Attachment("file", ref=_text(root, "MediaId") or None, name=_text(root, "FileName") or None)
        return Message(attachments=(file,), **common) if file.ref else None
    if kind == "location":
        location = _location(root)
        if location is None:
            log.info("wecom: ignoring location %s from %s: coordinates out of range", msg_id, user)
            return None
        return Message(attachments=(location,), **common)
    if kind == "voice":
        # MediaId (AMR, 3 days) and Format only: WeCom gives a self-built app no recognition
        # and has no speech API for it, so the sender is asked to type (handlers/capture/voice.py).
        return Message(attachments=(Attachment(VOICE, ref=NO_RECOGNITION),), **common)
    log.info("wecom: ignoring %s message %s from %s", kind, msg_id, user)
    return None


def _event(root: Element, actor: Actor, conversation: Conversation, created: str,
           now: datetime) -> CardClick | None:
    name = _text(root, "Event")
    if name != "template_card_event":
        log.info("wecom: ignoring event %r from %s", name, actor.user_id)
        return None
    task_id = _text(root, "TaskId")
    try:
        pressed = json.loads(_text(root, "EventKey"))
        action, value = pressed["a"], pressed.get("v") or {}
        if not isinstance(action, str) or not isinstance(value, dict):
            raise ValueError("bad shape")
    except (ValueError, KeyError, TypeError):
        log.info("wecom: card event with a key we did not make, from %s", actor.user_id)
        return None
    picked = ""
    if root.find("SelectedItems") is not None:   # a choice card's submit button (vote_interaction)
        chosen = _chosen(root, value)
        if chosen is None:
            log.info("wecom: choice submitted without one option we made, from %s", actor.user_id)
            return None
        question, picked = chosen
        value = {**value, question: option_value(picked)}
    # Events have no MsgId: WeCom's retries repeat FromUserName + CreateTime + the pressed
    # button's key (and a choice card's option); the task id keeps two cards apart, the key two
    # buttons of one card pressed in the same second (接单, then 转派).
    event_id = f"ev:{actor.user_id}:{created}:{task_id}:{_digest(_text(root, 'EventKey') + picked)}"
    code = _text(root, "ResponseCode")
    handle = {"response_code": code, "code_at": now.isoformat()} if code else None
    return CardClick(PLATFORM, event_id, actor, conversation, action, value, message_id=task_id,
                     card_handle=handle)


def _chosen(root: Element, value: dict) -> tuple[str, str] | None:
    """(question key, option id) of a single-choice card's answer: one SelectedItem with one
    option we made, for a question the submit key leaves open. WeCom's own examples spell the
    option tags OptionIds/OptionId; one SDK reads OpitonIds/OpitonId, so both are accepted."""
    items = root.findall("SelectedItems/SelectedItem")
    if len(items) != 1:
        return None
    question = (items[0].findtext("QuestionKey") or "").strip()
    options = [(o.text or "").strip() for o in items[0].iter() if o.tag in ("OptionId", "OpitonId")]
    if not question or question in value or len(options) != 1 or option_value(options[0]) is None:
        return None
    return question, options[0]


def _location(root: Element) -> Attachment | None:
    """None for coordinates that are no place on earth (NaN, 1e999999, 500): such a message
    is ignored, as Feishu's are; it would otherwise be a location nobody can show."""
    try:
        lat, lng = float(_text(root, "Location_X")), float(_text(root, "Location_Y"))
    except ValueError:
        raise Refused("location without numeric Location_X / Location_Y") from None
    if not (math.isfinite(lat) and math.isfinite(lng) and -90 <= lat <= 90 and -180 <= lng <= 180):
        return None
    return Attachment("location", latitude=lat, longitude=lng, address=_text(root, "Label") or None)


def _digest(key: str) -> str:
    """A short stand-in for a button key (up to 1024 bytes) in the event id."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def _text(root: Element, tag: str) -> str:
    return (root.findtext(tag) or "").strip()
