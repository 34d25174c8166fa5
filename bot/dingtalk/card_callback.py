"""An interactive card's HTTP callback -> what was pressed, by whom, on which card.

The body (as the Stream SDK documents it for topic /v1.0/card/instances/callback):
`{"type": "actionCallback", "outTrackId", "userId", "corpId", "content": "<JSON string:
{"cardPrivateData": {"actionIds": [...], "params": {...}}}>"}`. sitebot's template sends the
button's `action` and `value` (a JSON string) as params (README, "Connect DingTalk").
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from bot.inbound import Refused


@dataclass(frozen=True)
class Pressed:
    event_id: str
    out_track_id: str
    user_id: str
    action: str
    value: dict


def parse(body: Any, minute: int) -> Pressed:
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
