"""DingTalk's Stream mode (SITEBOT_DINGTALK_MODE=stream): robot messages (topic
/v1.0/im/bot/messages/get) and interactive card presses (/v1.0/card/instances/callback) arrive
over a WebSocket sitebot opens, so no public callback URL is needed (PLATFORMS.md 3.1, 3.2).

Each takes the path its HTTP callback takes once verified (`DingTalkEdge.take_message`,
`take_card_press`): the same inbox, dedupe (msgId), dispatcher and outbox. The frame is acked
only after the event is stored; one that could not be stored is acked 500 (the SDK's
STATUS_SYSTEM_EXCEPTION) so DingTalk delivers it again. A press's ack carries the pressed card's
new parameters, as the HTTP answer does.

The stream authenticates once, when it connects (AppKey and AppSecret), so its messages carry
no signature to bind (the HTTP edge's one-use signatures, bot/dingtalk/edge.py).
"""
from __future__ import annotations

import asyncio
import importlib
import logging
from typing import Any, Awaitable, Callable

from bot.connection_lease import Counted, outcome
from bot.dingtalk.config import DingTalkConfig
from bot.inbound import Busy, Refused

log = logging.getLogger(__name__)
Take = Callable[[Any, float], Awaitable[dict]]
Answer = Callable[[Any], Awaitable[tuple[int, Any]]]
OK, BAD_REQUEST, FAILED = 200, 400, 500   # dingtalk_stream.AckMessage's codes


async def stream_connection(config: DingTalkConfig, take_message: Take, take_card: Take | None,
                            counted: Counted) -> None:
    """Keeps the stream (the SDK reconnects) until cancelled. `counted(outcome)`: each
    frame's outcome for /metrics, as callbacks are counted."""
    module = await warm_up()
    client = module.StreamConnection(config, answerer(take_message, counted),
                                     answerer(take_card, counted) if take_card is not None else None)
    await client.start()


async def warm_up():  # noqa: ANN201 - the client module, imported on a worker thread
    """A replica waiting for the stream's lease imports the SDK meanwhile (bot/connection_lease.py),
    so taking over after the holder dies costs no import."""
    return await asyncio.to_thread(importlib.import_module, "bot.dingtalk.stream_client")


stream_connection.warm_up = warm_up   # type: ignore[attr-defined] - read by HeldConnection


def answerer(take: Take, counted: Counted) -> Answer:
    """A frame's data -> (ack code, ack response)."""
    async def answer(data: Any) -> tuple[int, Any]:
        code, response = await taken(data)
        counted(outcome(code))
        return code, response

    async def taken(data: Any) -> tuple[int, Any]:
        started = asyncio.get_running_loop().time()
        try:
            return OK, await take(data, started)
        except Refused as refused:
            log.warning("dingtalk stream: refused (%s)", refused.reason)
            return BAD_REQUEST, refused.reason
        except Busy:
            log.warning("dingtalk stream: inbox busy; DingTalk will deliver it again")
            return FAILED, "busy, retry"
    return answer
