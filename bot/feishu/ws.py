"""Feishu's long connection (SITEBOT_FEISHU_MODE=ws): events and card presses arrive over a
WebSocket sitebot opens, so no public callback URL is needed (PLATFORMS.md 1.1).

Each event takes the same path as a callback once verified (`FeishuEdge.take`): the same
dedupe, the same inbox write before the answer, the same dispatcher and outbox. The frame's
answer goes back only after the event is stored, so an event Feishu saw acknowledged is on
disk; one that could not be stored is answered 500, as lark-oapi answers a failed handler,
and Feishu delivers it again. A card press's answer (toast, new card) rides in the answer's
data, as over HTTP.

lark-oapi takes seconds to import, so its client (bot/feishu/ws_client.py) is imported here,
on a worker thread, never at start-up: by a replica waiting for the connection's lease as soon
as it finds another holding it (`warm_up`, run by bot/connection_lease.py), so that taking over
after the holder dies costs no import (seconds on a busy machine); else when the connection
first opens.
"""
from __future__ import annotations

import asyncio
import importlib
import json
import logging
from typing import Any, Awaitable, Callable

from bot.connection_lease import Counted, outcome
from bot.feishu.config import FeishuConfig
from bot.inbound import Busy, Refused

log = logging.getLogger(__name__)
Take = Callable[[dict[str, Any], float], Awaitable[dict[str, Any]]]
FAILED = 500   # what lark-oapi answers for an event its handler could not take


async def long_connection(config: FeishuConfig, take: Take, counted: Counted) -> None:
    """Keeps the connection (reconnecting as Feishu's client config says) until cancelled.
    `counted(outcome)`: each frame's outcome for /metrics, as callbacks are counted."""
    module = await warm_up()
    client = module.LongConnection(config, answerer(take, counted))
    await client.run()


async def warm_up():  # noqa: ANN201 - the client module, imported on a worker thread
    return await asyncio.to_thread(importlib.import_module, "bot.feishu.ws_client")


long_connection.warm_up = warm_up   # type: ignore[attr-defined] - read by HeldConnection


def answerer(take: Take, counted: Counted) -> Callable[[bytes], Awaitable[tuple[int, dict[str, Any]]]]:
    """A frame's payload -> (code, answer data) for the frame sent back."""
    async def answer(raw: bytes) -> tuple[int, dict[str, Any]]:
        code, data = await taken(raw)
        counted(outcome(code))
        return code, data

    async def taken(raw: bytes) -> tuple[int, dict[str, Any]]:
        started = asyncio.get_running_loop().time()
        try:
            payload = json.loads(raw)
        except (ValueError, UnicodeDecodeError, RecursionError):
            log.warning("feishu long connection: a frame that is not JSON (%d bytes) ignored", len(raw))
            return 400, {}
        if not isinstance(payload, dict):
            return 400, {}
        try:
            return 200, await take(payload, started)
        except Refused as refused:
            log.warning("feishu long connection: event refused (%s): %s", refused.status, refused.reason)
            return refused.status, {}
        except Busy:
            log.warning("feishu long connection: inbox busy; Feishu will deliver the event again")
            return FAILED, {}
    return answer
