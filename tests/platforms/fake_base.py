"""What every fake platform server shares: an aiohttp app served on 127.0.0.1 at a free port
(start / stop / base_url), a record of the calls it received, and answers a test scripts ahead
(`fail_next`), kept per endpoint and handed out in order. Each platform's own answers (its
endpoints, tokens, error bodies and limits) stay in its own fake."""
from __future__ import annotations

import json
from collections import defaultdict
from typing import Any, Awaitable, Callable

from aiohttp import web
from aiohttp.test_utils import TestServer

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def endpoint(method: str, path: str) -> Callable[[Handler], Handler]:
    """Marks a fake's method as the handler of one of the platform's endpoints."""
    def mark(handler: Handler) -> Handler:
        handler.endpoint = (method, path)  # type: ignore[attr-defined]
        return handler
    return mark


class FakePlatformServer:
    """Subclasses mark their handlers with `@endpoint(method, path)`; `calls` holds what they
    `record()` (every request when `record_every_request` is set), `refused` what they answered
    with an error."""

    record_every_request = False

    def __init__(self) -> None:
        self.calls: list[tuple[Any, ...]] = []
        self.refused: list[Any] = []
        self.base_url = ""
        self._script: dict[str, list[Any]] = defaultdict(list)
        self._server: TestServer | None = None

    # --- the server ----------------------------------------------------------------------

    def middlewares(self) -> list[Any]:
        return []

    def app(self) -> web.Application:
        app = web.Application(middlewares=[self._record, *self.middlewares()])
        for cls in reversed(type(self).__mro__):
            for name, member in vars(cls).items():
                if hasattr(member, "endpoint"):
                    app.router.add_route(*member.endpoint, getattr(self, name))
        return app

    async def start(self) -> FakePlatformServer:
        self._server = TestServer(self.app(), host="127.0.0.1")   # a free port
        await self._server.start_server()
        self.base_url = str(self._server.make_url("")).rstrip("/")
        return self

    async def stop(self) -> None:
        if self._server is not None:
            await self._server.close()
            self._server = None

    # --- recording -----------------------------------------------------------------------

    def record(self, *call: Any) -> None:
        self.calls.append(call)

    @web.middleware
    async def _record(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        if self.record_every_request:
            self.record(request.method, request.path)
        return await handler(request)

    # --- scripted answers ----------------------------------------------------------------

    def fail_next(self, key: str, *answers: Any) -> None:
        """The next calls to `key` get these answers, one each, before the usual ones."""
        self._script[key].extend(answers)

    def scripted(self, key: str) -> Any | None:
        """The next answer scripted for `key`, or None when there is none left."""
        queue = self._script.get(key)
        return queue.pop(0) if queue else None

    def refuse(self, entry: Any, response: web.Response) -> web.Response:
        """Answer with an error, noting `entry` in `refused`."""
        self.refused.append(entry)
        return response

    # --- reading requests ----------------------------------------------------------------

    @staticmethod
    async def json_body(request: web.Request) -> dict[str, Any]:
        return json.loads(await request.read() or b"{}")
