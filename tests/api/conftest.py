"""The open API over real HTTP: tokens made with the real CLI code, calls with aiohttp."""
from __future__ import annotations

import pytest

from bot import keys
from bot.cli import _parser
from bot.token_cli import run as run_tokens
from tests.console_driver import ConsoleDriver


class Api:
    def __init__(self, client, capsys) -> None:
        self.client, self.capsys = client, capsys
        self.app = client.server.app

    async def token(self, *argv: str) -> str:
        """`sitebot token create …` as an admin would type it; the secret it printed."""
        args = _parser().parse_args(["token", "create", *argv])
        self.capsys.readouterr()
        code = await run_tokens(args, self.app[keys.STORE], self.app[keys.SETTINGS], self.app[keys.CLOCK]())
        out = self.capsys.readouterr()
        assert code == 0, out.err
        return out.out.strip()

    async def cli(self, *argv: str) -> tuple[int, str]:
        args = _parser().parse_args(["token", *argv])
        self.capsys.readouterr()
        code = await run_tokens(args, self.app[keys.STORE], self.app[keys.SETTINGS], self.app[keys.CLOCK]())
        out = self.capsys.readouterr()
        return code, out.out + out.err

    async def call(self, method: str, path: str, token: str | None, json=None, headers=None, **params):
        sent = dict(headers or {})
        if token:
            sent["Authorization"] = f"Bearer {token}"
        response = await self.client.request(method, path, json=json, headers=sent, params=params or None)
        body = await response.json(content_type=None)
        return response, body


@pytest.fixture
async def api(app, aiohttp_client, capsys) -> Api:
    return Api(await aiohttp_client(app), capsys)


@pytest.fixture
def console(api) -> ConsoleDriver:
    return ConsoleDriver(api.client)
