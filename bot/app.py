"""The composition root: `create_app(settings)` builds everything once and wires it together."""
from __future__ import annotations

from pathlib import Path
from datetime import datetime, timezone
from typing import Callable

from aiohttp import web

from bot import keys
from bot.api import install as install_api
from bot.edges import enabled_edges
from bot.health import TokenCache, healthz, readyz
from bot.media import MediaStore
from bot.metrics import PrometheusObserver, inbound_middleware, metrics
from bot.page_templates import PageTemplates
from bot.pages.routes import install as install_pages
from bot.runtime import runtime
from bot.paths import TEMPLATES_DIR
from bot.settings import Settings

MAX_BODY = 1024 * 1024  # platforms send far less; anything bigger is refused with 413


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def create_app(settings: Settings, *, clock: Callable[[], datetime] = utcnow, demo: bool = False,
               run_worker: bool = True, role: str = "all") -> web.Application:
    """`role`: see bot/runtime.py. `run_worker=False` (tests): nothing runs in the background;
    the test drains the inbox, the outbox and the jobs itself."""
    observer = PrometheusObserver()   # this app's own registry: nothing registered at import
    app = web.Application(client_max_size=MAX_BODY, middlewares=[inbound_middleware(observer)])
    app[keys.METRICS], app[keys.READY_TOKENS] = observer, TokenCache()
    app[keys.SETTINGS] = settings
    app[keys.CLOCK] = clock
    app[keys.PAGES] = PageTemplates(TEMPLATES_DIR)   # jinja2 loaded at the first page
    app.router.add_get("/healthz", healthz)   # bot/health.py
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/metrics", metrics)   # bot/metrics.py
    app[keys.MEDIA] = MediaStore(Path(settings.media_dir))
    app[keys.MEDIA].install(app)
    if settings.console:   # imported only when on (a deployment without it does not load it)
        from bot.console import routes as console_routes
        from bot.console.hub import ConsoleHub
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

