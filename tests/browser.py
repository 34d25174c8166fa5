"""Headless Debian Chromium driven by Playwright; tests skip (saying why) where it is missing.
ServedConsole: the app served for the browser, with data made through the console."""
from __future__ import annotations

import shutil
import uuid
from contextlib import asynccontextmanager
from typing import AsyncIterator, Sequence

import aiohttp
import pytest
from aiohttp import web

from bot import keys

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-quic"]


def need_chromium() -> None:
    if not shutil.which("chromium") and not shutil.which("/usr/bin/chromium"):
        pytest.skip("Debian's chromium is not installed (make test installs it when run as root)")


@asynccontextmanager
async def browser_page(**context_options) -> AsyncIterator["object"]:  # noqa: ANN001
    need_chromium()
    from playwright.async_api import async_playwright
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        try:
            context = await browser.new_context(**context_options)
            yield await context.new_page()
        finally:
            await browser.close()


class ServedConsole:
    """The real app on a real port (a browser needs one), and the console page's own calls to
    it: upload a photo, send a message; then the customer page's link from a chat's last card."""

    def __init__(self, app: web.Application, base: str, http: aiohttp.ClientSession) -> None:
        self.app, self.base, self.http = app, base, http

    @classmethod
    @asynccontextmanager
    async def serve(cls, app: web.Application, aiohttp_server) -> AsyncIterator["ServedConsole"]:  # noqa: ANN001
        server = await aiohttp_server(app)
        async with aiohttp.ClientSession() as http:
            yield cls(app, str(server.make_url("")).rstrip("/"), http)

    async def upload(self, data: bytes, name: str = "site.png", content_type: str = "image/png") -> str:
        form = aiohttp.FormData()
        form.add_field("file", data, filename=name, content_type=content_type)
        async with self.http.post(f"{self.base}/console/api/upload", data=form) as response:
            return (await response.json())["ref"]

    async def say(self, user: str, chat: str, text: str, attachments: Sequence[dict] = ()) -> None:
        async with self.http.post(f"{self.base}/console/api/messages", json={
                "user": user, "chat": chat, "text": text, "attachments": list(attachments),
                "event_id": uuid.uuid4().hex}) as response:
            assert response.status == 200, await response.text()

    async def page_url(self, chat: str) -> str:
        """Once the replies are delivered: the project page link on `chat`'s last card, on
        this server."""
        await self.app[keys.WORKER].drain()
        card = self.app[keys.HUB].history(chat)[-1].body
        link = next(a["url"] for a in card["actions"] if a["type"] == "link")
        return self.base + "/p/" + link.split("/p/", 1)[1]
