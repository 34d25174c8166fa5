"""What the unsigned body of a robot callback claims about where it comes from and where
replies go, checked against our own settings: DingTalk signs only the timestamp, so nothing in
the body is taken on trust that a forger could use.

- The callback must be for our robot in our organisation (`chatbotCorpId`, `robotCode`).
- A `sessionWebhook` is used only when it is DingTalk's own URL: the prefix's scheme, host and
  port exactly, its path or below it, and nothing a URL library would rewrite on the way
  (dot segments, encoded characters, backslashes, a user part, a fragment, non-ASCII).
- Numbers are read only when they are what DingTalk sends (milliseconds as an integer).
"""
from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from bot.dingtalk.config import DingTalkConfig
from bot.inbound import Refused

MAX_ID = 128                       # msgId, conversationId, senderId … are far shorter
MAX_URL = 1024
LAST_MS = 253402300799999          # 9999-12-31T23:59:59.999Z, the last time we can represent


def check_recipient(body: dict[str, Any], config: DingTalkConfig) -> None:
    """Refused (403) unless the callback is for our robot in our organisation. DingTalk's HTTP
    callback documents `chatbotCorpId`; `robotCode` comes in Stream mode and, when present,
    must be ours too."""
    corp = body.get("chatbotCorpId")
    if not isinstance(corp, str) or corp != config.corp_id:
        raise Refused("callback for another organisation (chatbotCorpId)", 403)
    robot = body.get("robotCode")
    if robot is not None and robot != config.robot_code:
        raise Refused("callback for another robot (robotCode)", 403)


def milliseconds(value: Any, field: str) -> int | None:
    """An epoch time in ms as DingTalk sends it (an integer, or a string of ASCII digits);
    None when absent. Anything else is refused (400), so an odd value changes nothing."""
    if value is None or value == "":
        return None
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 15:
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= LAST_MS:
        raise Refused(f"{field} is not a time in milliseconds")
    return value


def is_dingtalk_session_url(url: str, prefix: str) -> bool:
    """Whether a sessionWebhook from a callback may be posted to (see the module docstring)."""
    if len(url) > MAX_URL or not url.isascii() or any(c in url for c in "\\#") \
            or any(ord(c) <= 0x20 or ord(c) == 0x7f for c in url):
        return False
    try:
        got, want = urlsplit(url), urlsplit(prefix)
        ports = got.port, want.port
    except ValueError:
        return False
    if (got.scheme, got.hostname, ports[0]) != (want.scheme, want.hostname, ports[1]) \
            or got.netloc != want.netloc or got.fragment:
        return False
    base = want.path.rstrip("/")
    if "%" in got.path or (got.path != base and not got.path.startswith(base + "/")):
        return False
    return all(segment not in ("", ".", "..") for segment in got.path.split("/")[1:])
