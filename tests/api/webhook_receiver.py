"""A webhook receiver as an integrator would write one: a real aiohttp server that checks each
delivery's signature with the standardwebhooks library's own verifier. It can be taken down
(connection refused) and brought back on the same port."""
from __future__ import annotations

from aiohttp import web
from aiohttp.test_utils import TestServer, unused_port
from standardwebhooks.webhooks import Webhook


class Receiver:
    def __init__(self) -> None:
        self.port = unused_port()
        self.got: list[tuple[dict[str, str], str]] = []
        self.status = 204
        self._server: TestServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/hook", self._take)
        self._server = TestServer(app, host="127.0.0.1", port=self.port)
        await self._server.start_server()

    async def stop(self) -> None:
        if self._server is not None:
            await self._server.close()
            self._server = None

    async def _take(self, request: web.Request) -> web.Response:
        self.got.append((dict(request.headers), await request.text()))
        return web.Response(status=self.status)

    def verified(self, secret: str) -> list[tuple[str, dict]]:
        """(webhook-id, parsed body) of every delivery; raises if any signature is wrong."""
        hook = Webhook(secret)
        return [(headers["webhook-id"], hook.verify(body, headers)) for headers, body in self.got]
