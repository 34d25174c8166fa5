"""Signed, encrypted Feishu im.message.receive_v1 events, as Feishu sends them."""
from __future__ import annotations

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

import base64
import hashlib
import json
import os
import re
import secrets
import time
from dataclasses import dataclass, field
from typing import Any, Sequence


APP_ID = "cli_sitebot_bench"
APP_SECRET = "bench-app-secret"
VERIFICATION_TOKEN = "bench-verification-token"
ENCRYPT_KEY = "bench encrypt key"
TENANT_KEY = "2ca1d211f64f6438"
BOT_OPEN_ID = "ou_" + hashlib.md5(b"sitebot-bench-bot").hexdigest()
FEISHU_DEADLINE = 3.0            # Feishu waits 3 s for an answer, then re-pushes
SERVER_CPU, LOAD_CPU = 0, 1
INTERNAL_ERROR_MARKERS = ("处理时出错了", "something went wrong")
CONFLICT_MARKERS = ("刚刚有人同时操作", "at the same time")
MESSAGE_ID = re.compile(r"om_[0-9a-f]{32}")


def encrypt(encrypt_key: str, plaintext: bytes) -> str:
    """Feishu's "Encrypt Key" envelope: AES-256-CBC, key sha256(encrypt_key), a random IV in
    front of the ciphertext, PKCS7, base64."""
    iv = os.urandom(16)
    padder = padding.PKCS7(128).padder()
    data = padder.update(plaintext) + padder.finalize()
    key = hashlib.sha256(encrypt_key.encode()).digest()
    encryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
    return base64.b64encode(iv + encryptor.update(data) + encryptor.finalize()).decode()


def sign(timestamp: str, nonce: str, encrypt_key: str, body: bytes) -> str:
    return hashlib.sha256((timestamp + nonce + encrypt_key).encode() + body).hexdigest()


@dataclass(frozen=True)
class Prepared:
    """One ready-to-send callback: the exact bytes and headers a platform would POST. `url`:
    where to (with its query), when not the loop's own URL (several edges in one stream)."""
    body: bytes
    headers: dict[str, str]
    message_id: str
    chat_id: str
    sender: str
    url: str = ""


def wrap(payload: dict[str, Any]) -> tuple[bytes, dict[str, str]]:
    plain = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    body = json.dumps({"encrypt": encrypt(ENCRYPT_KEY, plain)}).encode()
    timestamp, nonce = str(int(time.time())), secrets.token_hex(8)
    return body, {"Content-Type": "application/json; charset=utf-8",
                  "X-Lark-Request-Timestamp": timestamp, "X-Lark-Request-Nonce": nonce,
                  "X-Lark-Signature": sign(timestamp, nonce, ENCRYPT_KEY, body)}


# -- who is where ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Person:
    open_id: str
    union_id: str
    user_id: str
    name: str
    role: str          # the role word used in `成员 添加` (质检员, 施工员)


@dataclass
class Chat:
    chat_id: str
    code: str          # the project bound to it
    people: list[Person] = field(default_factory=list)


def _person(name: str, role: str) -> Person:
    return Person("ou_" + secrets.token_hex(16), "on_" + secrets.token_hex(16),
                  secrets.token_hex(4), name, role)


class Layout:
    """`chats` group chats, each bound to its own project P-001…; in each, person 0 is the
    project's 质检员 (quality officer) and the others are 施工员 (foremen). Plus one admin."""

    def __init__(self, chats: int, people_per_chat: int = 3) -> None:
        self.admin = admin()
        self.chats = []
        for i in range(chats):
            chat = Chat("oc_" + secrets.token_hex(16), f"P-{i + 1:03d}")
            chat.people = [_person(f"压测{i + 1:02d}-{k}", "质检员" if k == 0 else "施工员")
                           for k in range(people_per_chat)]
            self.chats.append(chat)

    @property
    def projects(self) -> list[tuple[str, str]]:
        return [(c.code, f"压测项目 {c.code}") for c in self.chats]


def message_event(sender: Person, chat_id: str, text: str,
                  mentions: Sequence[tuple[str, str, str]] = ()) -> dict[str, Any]:
    """An im.message.receive_v1 event, schema 2.0, as Feishu sends it. mentions:
    (key such as "@_user_1", open_id, name)."""
    now_ms = str(int(time.time() * 1000))
    message_id = "om_" + secrets.token_hex(16)
    message: dict[str, Any] = {
        "message_id": message_id, "root_id": "", "parent_id": "", "create_time": now_ms,
        "update_time": now_ms, "chat_id": chat_id, "thread_id": "", "chat_type": "group",
        "message_type": "text", "content": json.dumps({"text": text}, ensure_ascii=False),
        "user_agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Lark/7.20.0",
    }
    if mentions:
        message["mentions"] = [{"key": key, "id": {"union_id": "", "user_id": "", "open_id": open_id},
                                "name": name, "tenant_key": TENANT_KEY}
                               for key, open_id, name in mentions]
    return {
        "schema": "2.0",
        "header": {"event_id": secrets.token_hex(16), "event_type": "im.message.receive_v1",
                   "create_time": now_ms, "token": VERIFICATION_TOKEN, "app_id": APP_ID,
                   "tenant_key": TENANT_KEY},
        "event": {"sender": {"sender_id": {"union_id": sender.union_id, "user_id": sender.user_id,
                                           "open_id": sender.open_id},
                             "sender_type": "user", "tenant_key": TENANT_KEY},
                  "message": message},
    }


def prepare(sender: Person, chat_id: str, text: str, *, at_bot: bool,
            others: Sequence[Person] = ()) -> Prepared:
    """A signed, encrypted message event. at_bot: "@sitebot " in front (as @_user_1);
    others: further people @-mentioned as @_user_2…, written where the text says so."""
    mentions = [("@_user_1", BOT_OPEN_ID, "sitebot")] if at_bot else []
    mentions += [(f"@_user_{i}", p.open_id, p.name) for i, p in enumerate(others, 2)]
    payload = message_event(sender, chat_id, f"@_user_1 {text}" if at_bot else text, mentions)
    body, headers = wrap(payload)
    return Prepared(body, headers, payload["event"]["message"]["message_id"], chat_id, sender.open_id)


def prepare_press(operator: Person, chat_id: str, message_id: str, value: dict[str, Any],
                  token: str = "") -> Prepared:
    """A signed, encrypted card.action.trigger (schema 2.0): `operator` pressed a callback
    button whose value is `value` on our card `message_id` in `chat_id`. Prepared.message_id
    is the callback's event_id (what a press is de-duplicated on); `token` the callback's
    token for a delayed card update (c-…; a fresh one when not given)."""
    now_us = str(int(time.time() * 1_000_000))
    event_id = secrets.token_hex(16)
    payload = {
        "schema": "2.0",
        "header": {"event_id": event_id, "token": VERIFICATION_TOKEN, "create_time": now_us,
                   "event_type": "card.action.trigger", "tenant_key": TENANT_KEY, "app_id": APP_ID},
        "event": {"operator": {"tenant_key": TENANT_KEY, "user_id": operator.user_id,
                               "open_id": operator.open_id, "union_id": operator.union_id},
                  "token": token or "c-" + secrets.token_hex(20),
                  "action": {"tag": "button", "timezone": "Asia/Shanghai", "value": value},
                  "host": "im_message",
                  "context": {"open_message_id": message_id, "open_chat_id": chat_id}},
    }
    body, headers = wrap(payload)
    return Prepared(body, headers, event_id, chat_id, operator.open_id)


def admin(name: str = "压测管理员") -> Person:
    """Someone to make an admin (`sitebot admin add … --identity feishu:<open_id>`)."""
    return _person(name, "")


CHATTER = [
    "收到", "好的，明天上午九点到场", "今天下午三点开例会，大家准时", "现场照片已经发到群文件了",
    "塔吊下午两点后停用，注意安排", "明天天气预报有雨，室外作业注意防护", "辛苦了", "已到场",
    "东门道路临时封闭，车辆走北门", "样板间交底完成", "这个问题我晚点回复你", "👍",
    "今天的人员已经全部签到", "下周一上午甲方来现场看", "好的收到，马上安排",
]
PLACES = ["卫生间", "厨房", "外墙", "阳台", "楼梯间", "地下室顶板", "屋面", "走廊"]
PROBLEMS = ["渗水", "漏水", "墙面开裂", "地面空鼓", "地面起砂", "瓷砖脱落", "顶棚裂缝"]
URGENCY = ["，比较急", "，不急", "", "，请尽快处理"]


def chatter_text(i: int) -> str:
    return CHATTER[i % len(CHATTER)]


def report_text(i: int) -> str:
    """报修 … with a quality problem (渗水, 开裂 …): assigned to the project's 质检员."""
    return (f"报修 {i % 12 + 1}号楼{i % 30 + 1}层{PLACES[i % len(PLACES)]}"
            f"{PROBLEMS[(i // 3) % len(PROBLEMS)]}{URGENCY[(i // 7) % len(URGENCY)]}")


