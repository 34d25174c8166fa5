"""A fake Feishu open platform that can go down, and the real app pointed at it.

`OutageFeishu.go_down(kind)`: every API call (the token too) answers as Feishu's front does
when it is in trouble — "5xx" (HTML 502/503/504 from the gateway), "drop" (the connection is
closed with no answer, as when a proxy resets it), "429" (HTTP 429, code 99991400, come back
in 10 s) — or "refused" (nothing listens on the port: connection refused). `come_back()` ends
it. `created` counts, per uuid, the messages the platform made (a resend under a known uuid
makes none: Feishu keeps one message per uuid for an hour)."""
from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any, Callable

from aiohttp import web
from aiohttp.test_utils import TestServer
from yarl import URL

from bot import keys
from bot.app import create_app
from domain.enums import Audience
from domain.store.models import ChatBinding, Identity
from tests.conftest import make_settings
from tests.platforms.feishu.conftest import LOBBY, OPEN_IDS, SITE
from tests.platforms.feishu.driver import APP_ID, APP_SECRET, ENCRYPT_KEY, VTOKEN, FeishuDriver
from tests.platforms.feishu.fake_open_platform import FakeFeishu

GATEWAY_PAGES = {502: "502 Bad Gateway", 503: "503 Service Temporarily Unavailable",
                 504: "504 Gateway Time-out"}


class OutageFeishu(FakeFeishu):
    def __init__(self, clock: Callable[[], datetime]) -> None:
        super().__init__(APP_ID, APP_SECRET, clock=clock)
        self.down: str | None = None
        self.created: Counter[str] = Counter()
        self.turned_away = 0           # API calls answered with the outage
        self._port: int | None = None

    async def go_down(self, kind: str) -> None:
        self.down = kind
        if kind == "refused":
            self._port = URL(self.base_url).port
            await self.stop()

    async def come_back(self) -> None:
        if self.down == "refused":
            self._server = TestServer(self.app(), host="127.0.0.1", port=self._port)
            await self._server.start_server()
        self.down = None

    def middlewares(self) -> list:
        return [self._outage, *super().middlewares()]

    @web.middleware
    async def _outage(self, request: web.Request, handler: Any) -> web.StreamResponse:
        if self.down is None:
            return await handler(request)
        self.turned_away += 1
        if self.down == "429":
            return web.json_response({"code": 99991400, "msg": "request trigger frequency limit"},
                                     status=429, headers={"x-ogw-ratelimit-limit": "50",
                                                          "x-ogw-ratelimit-reset": "10"})
        if self.down == "drop":
            request.transport.close()
            return web.Response()
        status = 502 + self.turned_away % 3
        return web.Response(status=status, text=f"<html><body>{GATEWAY_PAGES[status]}</body></html>",
                            content_type="text/html")

    def _post(self, chat_id: str | None, receive_id: str, body: dict[str, Any],
              parent: str | None) -> web.Response:
        uuid = body.get("uuid")
        if uuid and uuid not in self.by_uuid:
            self.created[uuid] += 1
        return super()._post(chat_id, receive_id, body, parent)


async def started(clock: Callable[[], datetime]) -> OutageFeishu:
    """A running OutageFeishu (keeping Feishu's limits by the test's clock) with the bot in
    P-001's group and the unbound lobby."""
    fake = OutageFeishu(clock)
    fake.chats |= {SITE, LOBBY}
    return await fake.start()


async def feishu_app(db_url: str, fake: OutageFeishu, clock, aiohttp_client, **delivery: Any) -> FeishuDriver:  # noqa: ANN001
    """The real app (Feishu edge on, demo data, Feishu ids for the demo people, P-001's
    internal group bound), its delivery worker driven by the test."""
    settings = make_settings(db_url, feishu={
        "app_id": APP_ID, "app_secret": APP_SECRET, "verification_token": VTOKEN,
        "encrypt_key": ENCRYPT_KEY, "base_url": fake.base_url}, delivery=delivery)
    app = create_app(settings, clock=clock, demo=True, run_worker=False)
    client = await aiohttp_client(app)
    async with app[keys.STORE].transaction() as tx:
        for name, open_id in OPEN_IDS.items():
            person = (await tx.people.by_name(name))[0]
            tx.add(Identity(person_id=person.id, platform="feishu", external_id=open_id,
                            alt_ids={"union_id": f"on_{open_id[3:]}"}, display_name=name,
                            created_at=clock()))
        project = await tx.projects.by_code("P-001")
        tx.add(ChatBinding(platform="feishu", chat_id=SITE, project_id=project.id,
                           audience=Audience.INTERNAL.value, title="P-001 项目部群", created_at=clock()))
    return FeishuDriver(client, fake, clock)
