"""lark-oapi's WebSocket client (`lark_oapi.ws.Client`, pinned in pyproject.toml), run on
sitebot's event loop. Imported only by bot/feishu/ws.py, on a worker thread (it imports all of
lark_oapi).

What is kept from the SDK: the endpoint request (`/callback/ws/endpoint` with the app's id and
secret), its pbbp2 frames, pings, the server's client config, reassembly of split payloads,
reconnects. What is replaced, and why:
- `start()` blocks on a loop of the module's own (captured at import); `run()` is a coroutine
  on the running loop instead, and ends (closing the socket) when cancelled, which is how the
  replica lease (bot/connection_lease.py) hands the connection over.
- `_connect` asks for the endpoint on a worker thread: the SDK does it with blocking
  `requests` on the loop.
- `_handle_data_frame`: 1.7.5 answers only "event" frames and calls the handler synchronously;
  "card" frames (card.action.trigger, "使用长连接接收回调") were dropped unanswered, which
  Feishu shows the presser as error 200340. Here both kinds are awaited on the loop and
  answered only once sitebot has stored the event.
"""
from __future__ import annotations

import asyncio
import base64
import json
import logging
import time
from typing import Any, Awaitable, Callable, Coroutine
from urllib.parse import parse_qs, urlparse

import websockets
from lark_oapi.core.enum import LogLevel
from lark_oapi.core.json import JSON
from lark_oapi.ws.client import Client, _get_by_key, _parse_ws_conn_exception, _ws_connect_kwargs
from lark_oapi.ws.connection_config import build_connection_url
from lark_oapi.ws.const import (DEVICE_ID, HEADER_BIZ_RT, HEADER_MESSAGE_ID, HEADER_SEQ, HEADER_SUM,
                                HEADER_TYPE, SERVICE_ID)
from lark_oapi.ws.enum import MessageType
from lark_oapi.ws.exception import ClientException
from lark_oapi.ws.model import Response
from lark_oapi.ws.pb.pbbp2_pb2 import Frame
from websockets.exceptions import InvalidHandshake

from bot.feishu.config import FeishuConfig

log = logging.getLogger(__name__)
Answer = Callable[[bytes], Awaitable[tuple[int, dict[str, Any]]]]
TAKEN = (MessageType.EVENT.value, MessageType.CARD.value)


class LongConnection(Client):
    def __init__(self, config: FeishuConfig, answer: Answer) -> None:
        super().__init__(config.app_id, config.app_secret, log_level=LogLevel.WARNING,
                         domain=config.base_url, auto_reconnect=True)
        self._answer = answer
        self._tasks: set[asyncio.Task] = set()

    async def run(self) -> None:
        try:
            try:
                await self._connect()
            except ClientException:   # wrong app id or secret, too many connections: the caller decides
                raise
            except Exception as error:
                log.warning("feishu long connection: connect failed (%s); reconnecting", error)
                await self._disconnect()
                await self._reconnect()
            self._spawn(self._ping_loop())
            await asyncio.Event().wait()   # until cancelled
        finally:
            self._auto_reconnect = False
            tasks = list(self._tasks)
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            await self._disconnect()

    def _spawn(self, work: Coroutine[Any, Any, Any]) -> None:
        task = asyncio.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _connect(self) -> None:
        async with self._lock:
            if self._conn is not None:
                return
            try:
                url = build_connection_url(await asyncio.to_thread(self._get_conn_url), self._connection_host)
                query = parse_qs(urlparse(url).query)
                conn = await websockets.connect(url, **_ws_connect_kwargs(self._connection_headers))
            except InvalidHandshake as error:
                _parse_ws_conn_exception(error)
                raise
            self._conn, self._conn_url = conn, url
            self._conn_id, self._service_id = query[DEVICE_ID][0], query[SERVICE_ID][0]
            log.info("feishu long connection: connected (conn_id %s)", self._conn_id)
            self._spawn(self._receive_message_loop())

    async def _receive_message_loop(self) -> None:
        conn = self._conn
        try:
            while True:
                if conn is None or conn is not self._conn:
                    return
                self._spawn(self._handle_message(await conn.recv()))
        except asyncio.CancelledError:
            raise
        except Exception as error:
            log.warning("feishu long connection: lost (%s)", error)
            await self._disconnect()
            if self._auto_reconnect:
                await self._reconnect()

    async def _handle_data_frame(self, frame: Frame) -> None:
        headers = frame.headers
        message_id, kind = _get_by_key(headers, HEADER_MESSAGE_ID), _get_by_key(headers, HEADER_TYPE)
        parts, seq = int(_get_by_key(headers, HEADER_SUM)), int(_get_by_key(headers, HEADER_SEQ))
        payload = frame.payload
        if parts > 1:
            payload = self._combine(message_id, parts, seq, payload)
            if payload is None:   # more parts to come
                return
        if kind not in TAKEN:
            return
        started = time.perf_counter()
        try:
            code, data = await self._answer(payload)
        except Exception:   # answered all the same: Feishu delivers a failed event again
            log.exception("feishu long connection: event %s failed", message_id)
            code, data = 500, {}
        elapsed = headers.add()
        elapsed.key, elapsed.value = HEADER_BIZ_RT, str(int((time.perf_counter() - started) * 1000))
        response = Response(code=code)
        if data:
            response.data = base64.b64encode(json.dumps(data, ensure_ascii=False).encode())
        frame.payload = JSON.marshal(response).encode()
        await self._write_message(frame.SerializeToString())
