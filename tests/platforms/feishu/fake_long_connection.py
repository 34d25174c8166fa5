"""The fake Feishu open platform with its long-connection side, as lark-oapi's ws client meets
it (lark_oapi/ws/client.py, PLATFORMS.md 1.1):

- `POST /callback/ws/endpoint` with `{"AppID", "AppSecret"}` -> `{"code": 0, "data": {"URL":
  "ws://…?device_id=…&service_id=…", "ClientConfig": {...}}}`; a wrong secret gets a non-zero
  code (403 here: the SDK's FORBIDDEN, a ClientException it does not retry; the real code for
  a wrong secret is not documented);
- the WebSocket carries pbbp2 `Frame`s (the SDK's own protobuf module): CONTROL ping/pong, and
  DATA frames with headers type ("event" or "card"), message_id, trace_id, sum, seq, whose
  answer is the same frame with the payload `{"code": …, "data": base64(JSON)}`.

`push(payload)` sends one event to the newest connection and returns its answer; `drop()`
closes every connection from the server side, as Feishu does when it moves a client.
"""
from __future__ import annotations

import asyncio
import base64
import itertools
import json
from typing import Any

from aiohttp import WSMsgType, web
from lark_oapi.ws.pb.pbbp2_pb2 import Frame

from tests.platforms.fake_base import endpoint
from tests.platforms.feishu.fake_open_platform import FakeFeishu

CONTROL, DATA = 0, 1
SERVICE_ID = "33554678"
# Reconnect at once and without jitter, so a test waits for nothing but the reconnect itself.
CLIENT_CONFIG = {"ReconnectCount": -1, "ReconnectInterval": 1, "ReconnectNonce": 0, "PingInterval": 120}
ANSWER_SECONDS = 30.0   # a test fails rather than hangs when sitebot never answers a frame


class FakeFeishuLongConnection(FakeFeishu):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sockets: list[web.WebSocketResponse] = []   # open connections, oldest first
        self.connects = 0                                 # connections ever opened
        self.endpoint_requests: list[dict[str, Any]] = []
        self._answers: dict[str, asyncio.Future] = {}
        self._ws_ids = itertools.count(1)
        self._changed = asyncio.Condition()

    def middlewares(self) -> list:
        return [self._auth_but_long_connection]

    @web.middleware
    async def _auth_but_long_connection(self, request: web.Request, handler: Any) -> web.StreamResponse:
        """The endpoint request carries the app's secret, the socket its access key: no token."""
        if request.path.startswith("/callback/ws/"):
            return await handler(request)
        return await self._auth(request, handler)

    @endpoint("POST", "/callback/ws/endpoint")
    async def ws_endpoint(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.endpoint_requests.append(body)
        if body.get("AppID") != self.app_id or body.get("AppSecret") != self.app_secret:
            return web.json_response({"code": 403, "msg": "app id or secret invalid"})
        device = f"d{next(self._ws_ids)}"
        url = (self.base_url.replace("http://", "ws://", 1)
               + f"/callback/ws/conn?device_id={device}&service_id={SERVICE_ID}&access_key=k")
        return web.json_response({"code": 0, "msg": "success",
                                  "data": {"URL": url, "ClientConfig": CLIENT_CONFIG}})

    @endpoint("GET", "/callback/ws/conn")
    async def ws_connection(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        await self._opened(socket)
        try:
            async for message in socket:
                if message.type == WSMsgType.BINARY:
                    await self._frame_from_client(socket, message.data)
        finally:
            await self._closed(socket)
        return socket

    # --- test controls -------------------------------------------------------------------

    async def wait_connected(self, connects: int = 1, timeout: float = 60.0) -> None:
        """Until `connects` connections were opened in all and one is open now."""
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(
                lambda: self.connects >= connects and bool(self.sockets)), timeout)

    async def push(self, payload: dict[str, Any] | bytes, kind: str = "event",
                   parts: int = 1) -> dict[str, Any]:
        """One event (or card press: kind "card") to the newest connection, split in `parts`
        frames; the answer as {"code": int, "data": decoded JSON or None}."""
        raw = payload if isinstance(payload, bytes) else json.dumps(payload, ensure_ascii=False).encode()
        message_id = f"msg-{next(self._ws_ids)}"
        answered = asyncio.get_running_loop().create_future()
        self._answers[message_id] = answered
        socket = self.sockets[-1]
        size = -(-len(raw) // parts)
        for seq in range(parts):
            frame = _frame(DATA, {"type": kind, "message_id": message_id, "trace_id": f"t-{message_id}",
                                  "sum": str(parts), "seq": str(seq)}, raw[seq * size:(seq + 1) * size])
            await socket.send_bytes(frame.SerializeToString())
        answer = json.loads(await asyncio.wait_for(answered, ANSWER_SECONDS))
        data = answer.get("data")
        return {"code": answer.get("code"), "data": json.loads(base64.b64decode(data)) if data else None}

    async def drop(self) -> None:
        for socket in list(self.sockets):
            await socket.close()

    async def stop(self) -> None:
        await self.drop()   # an open socket would hold the server's shutdown for a minute
        await super().stop()

    # --- the protocol --------------------------------------------------------------------

    async def _frame_from_client(self, socket: web.WebSocketResponse, data: bytes) -> None:
        frame = Frame()
        frame.ParseFromString(data)
        headers = {h.key: h.value for h in frame.headers}
        if frame.method == CONTROL and headers.get("type") == "ping":
            pong = _frame(CONTROL, {"type": "pong"}, json.dumps(CLIENT_CONFIG).encode())
            await socket.send_bytes(pong.SerializeToString())
        elif frame.method == DATA:
            answered = self._answers.pop(headers.get("message_id", ""), None)
            if answered is not None and not answered.done():
                answered.set_result(frame.payload)

    async def _opened(self, socket: web.WebSocketResponse) -> None:
        async with self._changed:
            self.sockets.append(socket)
            self.connects += 1
            self._changed.notify_all()

    async def _closed(self, socket: web.WebSocketResponse) -> None:
        async with self._changed:
            if socket in self.sockets:
                self.sockets.remove(socket)
            self._changed.notify_all()


def _frame(method: int, headers: dict[str, str], payload: bytes) -> Frame:
    frame = Frame()
    frame.SeqID, frame.LogID, frame.service, frame.method = 0, 0, int(SERVICE_ID), method
    for key, value in headers.items():
        header = frame.headers.add()
        header.key, header.value = key, value
    frame.payload = payload
    return frame
