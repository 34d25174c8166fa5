"""The composition root: `create_app(settings)` builds everything once and wires it together."""
from __future__ import annotations

import logging
from pathlib import Path
from datetime import datetime, timezone
from typing import Callable

from aiohttp import web
from jinja2 import Environment, FileSystemLoader, select_autoescape

from bot import keys
from bot.api import install as install_api
from bot.console import routes as console_routes
from bot.console.hub import ConsoleHub
from bot.delivery.monitor import as_json, outbox_counts
from bot.edges import enabled_edges
from bot.media import MediaStore
from bot.pages.routes import install as install_pages
from bot.runtime import runtime
from bot.paths import TEMPLATES_DIR
from bot.settings import Settings

log = logging.getLogger(__name__)
MAX_BODY = 1024 * 1024  # platforms send far less; anything bigger is refused with 413


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def create_app(settings: Settings, *, clock: Callable[[], datetime] = utcnow, demo: bool = False,
               run_worker: bool = True, role: str = "all") -> web.Application:
    """`role`: see bot/runtime.py. `run_worker=False` (tests): nothing runs in the background;
    the test drains the inbox, the outbox and the jobs itself."""
    app = web.Application(client_max_size=MAX_BODY)
    app[keys.SETTINGS] = settings
    app[keys.CLOCK] = clock
    app[keys.PAGES] = Environment(loader=FileSystemLoader(TEMPLATES_DIR),
                                  autoescape=select_autoescape(["html"]))
    app.router.add_get("/healthz", healthz)
    app[keys.MEDIA] = MediaStore(Path(settings.media_dir))
    app[keys.MEDIA].install(app)
    if settings.console:
        app[keys.HUB] = ConsoleHub()
        console_routes.install(app)
        app.router.add_static("/console/static", TEMPLATES_DIR / "console" / "static")
    edges = enabled_edges(settings)
    for edge in edges:
        edge.install_routes(app)

    app.cleanup_ctx.append(runtime(settings, edges, clock, demo=demo, background=run_worker, role=role))
    install_api(app)    # /api/v1 for ERP, OA and finance systems (issue 20)
    install_pages(app)  # the customer's project page; wires its link signer after the runtime
    return app


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
