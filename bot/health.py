"""`GET /healthz` and `GET /readyz`, for load balancers, orchestrators and monitoring.

- /healthz: the process is alive and its database answers; the outbox's state as JSON (what
  `sitebot outbox status` says in brief). 503 when the database does not answer.
- /readyz: ready to take traffic: the database answers, its schema is the newest this code
  knows (an upgrade not yet run, or a newer release's database, is not ready), and every
  enabled platform gives us a token. The token checks ask the platform, so their result is
  kept READY_CACHE_SECONDS: a monitor polling every few seconds does not become a token storm.
"""
from __future__ import annotations

import time
from typing import Any

from aiohttp import web

from bot import keys
from bot.credentials import TokenCheck, check_tokens
from bot.delivery.monitor import as_json, outbox_counts
from domain.store.migrate import current_revision, newest_revision

READY_CACHE_SECONDS = 30.0


async def healthz(request: web.Request) -> web.Response:
    """200 while the database answers (503 when it does not), with the outbox's state: rows
    waiting and how long the oldest has, rows failed and why (bot/delivery/monitor.py)."""
    app = request.app
    try:
        await app[keys.STORE].ping()
        now = app[keys.CLOCK]()
        counts = await outbox_counts(app[keys.STORE], app[keys.SETTINGS].delivery, now)
    except Exception as error:  # report, don't crash: this is what monitoring polls
        return web.json_response({"status": "down", "error": type(error).__name__}, status=503)
    return web.json_response({"status": "ok", "outbox": as_json(counts, now)})


class TokenCache:
    """The last token checks and when they were made (per app)."""

    def __init__(self, seconds: float = READY_CACHE_SECONDS) -> None:
        self.seconds = seconds
        self._checks: list[TokenCheck] = []
        self._at: float | None = None

    async def checks(self, app: web.Application) -> list[TokenCheck]:
        now = time.monotonic()
        if self._at is None or now - self._at >= self.seconds:
            self._checks, self._at = await check_tokens(app[keys.SETTINGS]), now
        return self._checks


async def readyz(request: web.Request) -> web.Response:
    app = request.app
    problems: dict[str, Any] = {}
    try:
        await app[keys.STORE].ping()
        revision, head = await current_revision(app[keys.STORE].read_engine), newest_revision()
        if revision != head:
            problems["migrations"] = f"database at {revision}, code expects {head}: run `sitebot db upgrade`"
    except Exception as error:
        problems["database"] = type(error).__name__
    platforms = {}
    for check in await app[keys.READY_TOKENS].checks(app):
        platforms[check.platform] = "ok" if check.ok else check.problem
        if not check.ok:
            problems[check.platform] = check.problem
    body = {"status": "not ready" if problems else "ready", "platforms": platforms, "problems": problems}
    return web.json_response(body, status=503 if problems else 200)
