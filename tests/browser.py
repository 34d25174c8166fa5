"""Headless Debian Chromium driven by Playwright; tests skip (saying why) where it is missing."""
from __future__ import annotations

import shutil
from contextlib import asynccontextmanager
from typing import AsyncIterator

import pytest

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
