"""The robot callback's `timestamp` + `sign` headers.

sign = base64(HMAC-SHA256(key=AppSecret, msg=timestamp + "\\n" + AppSecret)), timestamp in ms,
accepted within one hour either side of now. Only the headers are signed, never the body, so
a captured pair could carry any body for that hour: the inbox therefore binds each signature
to the first msgId stored with it (in the database, for every process), the edge refuses it
with any other, and never trusts what the body says about its origin or reply URL blindly.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import datetime
from typing import Mapping

from bot.inbound import Refused

WINDOW_MS = 60 * 60 * 1000


def sign(timestamp: str, secret: str) -> str:
    digest = hmac.new(secret.encode("utf-8"), f"{timestamp}\n{secret}".encode("utf-8"),
                      hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def check(headers: Mapping[str, str], secret: str, now: datetime) -> tuple[str, str]:
    """Raise Refused (401) unless the headers carry a fresh, correct signature.
    Returns (timestamp, sign)."""
    timestamp, given = headers.get("timestamp", ""), headers.get("sign", "")
    if not timestamp or not given:
        raise Refused("missing timestamp or sign header", 401)
    if not (timestamp.isascii() and timestamp.isdigit()) or len(timestamp) > 15:
        raise Refused(f"timestamp is not milliseconds: {timestamp[:20]!r}", 401)
    skew = abs(int(now.timestamp() * 1000) - int(timestamp))
    if skew > WINDOW_MS:
        raise Refused(f"timestamp {timestamp} is {skew // 1000} s away from now", 401)
    if not hmac.compare_digest(sign(timestamp, secret).encode(), given.encode()):
        raise Refused("sign does not match", 401)
    return timestamp, given


def callback_token(secret: str, purpose: str) -> str:
    """A path secret for callbacks whose own signing we could not verify (card callbacks):
    only DingTalk, to whom we registered the URL over HTTPS, knows it."""
    return hmac.new(secret.encode("utf-8"), purpose.encode("utf-8"), hashlib.sha256).hexdigest()[:32]


def button_mac(secret: str, text: str) -> str:
    """Ties a fallback button's command text to this app: a member cannot type up a command
    for a button they were never shown (e.g. a reassign target the card did not offer)."""
    return hmac.new(secret.encode("utf-8"), f"button\n{text}".encode("utf-8"),
                    hashlib.sha256).hexdigest()[:12]
