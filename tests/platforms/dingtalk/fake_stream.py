"""The fake DingTalk with its Stream gateway, as the dingtalk-stream SDK meets it
(dingtalk_stream/stream.py, PLATFORMS.md 3.1):

- `POST /v1.0/gateway/connections/open` with `{clientId, clientSecret, subscriptions, ua,
  localIp}` -> `{"endpoint": "ws://…", "ticket": "…"}`; a wrong secret gets HTTP 401 (the
  gateway's error body's exact code is not documented);
- `GET <endpoint>?ticket=…`: a WebSocket of JSON frames `{"specVersion": "1.0", "type":
  "CALLBACK", "headers": {"appId", "connectionId", "contentType", "messageId", "time",
  "topic"}, "data": "<JSON string>"}`; the client acks each with `{"code", "headers":
  {"messageId", "contentType"}, "message", "data": "<JSON string>"}`. A ticket is good once.

`push(topic, data)` sends one frame on the newest connection and returns its ack; `drop()`
closes every connection from the gateway's side.
"""
from __future__ import annotations

import asyncio
import itertools
import json
import uuid
from typing import Any

from aiohttp import WSMsgType, web

from tests.platforms.dingtalk.fake_dingtalk import FakeDingTalk
from tests.platforms.fake_base import endpoint

ROBOT_TOPIC = "/v1.0/im/bot/messages/get"
CARD_TOPIC = "/v1.0/card/instances/callback"
ACK_SECONDS = 30.0   # a test fails rather than hangs when sitebot never acks


class FakeDingTalkStream(FakeDingTalk):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sockets: list[web.WebSocketResponse] = []
        self.connects = 0
        self.open_requests: list[dict[str, Any]] = []
        self._tickets: set[str] = set()
        self._acks: dict[str, asyncio.Future] = {}
        self._ids = itertools.count(1)
        self._changed = asyncio.Condition()

    @endpoint("POST", "/v1.0/gateway/connections/open")
    async def open_connection(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.open_requests.append(body)
        if body.get("clientId") != self.app_key or body.get("clientSecret") != self.app_secret:
            return web.json_response({"code": "InvalidAuthentication", "message": "clientId or clientSecret invalid"},
                                     status=401)
        ticket = uuid.uuid4().hex
        self._tickets.add(ticket)
        return web.json_response({"endpoint": self.base_url.replace("http://", "ws://", 1) + "/gateway/connect",
                                  "ticket": ticket})

    @endpoint("GET", "/gateway/connect")
    async def connect(self, request: web.Request) -> web.StreamResponse:
        ticket = request.query.get("ticket", "")
        if ticket not in self._tickets:
            return web.json_response({"code": "InvalidTicket"}, status=403)
        self._tickets.discard(ticket)
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        async with self._changed:
            self.sockets.append(socket)
            self.connects += 1
            self._changed.notify_all()
        try:
            async for message in socket:
                if message.type == WSMsgType.TEXT:
                    ack = json.loads(message.data)
                    waiting = self._acks.pop(ack.get("headers", {}).get("messageId", ""), None)
                    if waiting is not None and not waiting.done():
                        waiting.set_result(ack)
        finally:
            async with self._changed:
                self.sockets.remove(socket)
                self._changed.notify_all()
        return socket

    # --- test controls -------------------------------------------------------------------

    async def wait_connected(self, connects: int = 1, timeout: float = 60.0) -> None:
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(
                lambda: self.connects >= connects and bool(self.sockets)), timeout)

    async def push(self, topic: str, data: dict[str, Any], message_id: str | None = None) -> dict[str, Any]:
        """One callback frame; its ack with `data` decoded."""
        message_id = message_id or f"msg-{next(self._ids)}"
        acked = asyncio.get_running_loop().create_future()
        self._acks[message_id] = acked
        frame = {"specVersion": "1.0", "type": "CALLBACK",
                 "headers": {"appId": self.app_key, "connectionId": "conn-1", "contentType": "application/json",
                             "messageId": message_id, "time": str(int(self.clock().timestamp() * 1000)),
                             "topic": topic},
                 "data": json.dumps(data, ensure_ascii=False)}
        await self.sockets[-1].send_str(json.dumps(frame, ensure_ascii=False))
        ack = await asyncio.wait_for(acked, ACK_SECONDS)
        return {**ack, "data": json.loads(ack["data"]) if ack.get("data") else None}

    async def drop(self) -> None:
        for socket in list(self.sockets):
            await socket.close()

    async def stop(self) -> None:
        await self.drop()
        await super().stop()
