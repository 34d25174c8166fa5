"""The composition root: `create_app(settings)` builds everything once and wires it together."""
from __future__ import annotations

import asyncio
import logging
from functools import partial
from pathlib import Path
from datetime import datetime, timezone
from typing import AsyncIterator, Callable

from aiohttp import web
from jinja2 import Environment, FileSystemLoader, select_autoescape

from bot import keys
from bot.console import routes as console_routes
from bot.console.adapter import ConsoleAdapter
from bot.console.hub import ConsoleHub
from bot.delivery.ports import Adapter
from bot.delivery.worker import DeliveryWorker
from bot.edges import enabled_edges
from bot.inbound import InboundPipeline
from bot.inbox import InboxConsumer
from bot.jobs import JobSpec, start_scheduler
from bot.media import MediaStore
from bot.pages.routes import install as install_pages
from bot.paths import TEMPLATES_DIR
from bot.settings import Settings
from domain.demo import seed_demo
from domain.people import ensure_admins
from domain.store.engine import make_engine
from domain.store.inbox_writer import InboxWriter
from domain.store.migrate import upgrade
from domain.store.uow import Store
from handlers.chat.context import Deps
from handlers.chat.dispatch import Dispatcher
from handlers.chat.i18n import Catalog
from handlers.chat.jobs import JobRunner
from handlers.chat.ports import GroupMaker
from handlers.changes.jobs import warn_role_gaps
from handlers.registry import build_actions, build_card_views, build_jobs, build_router

log = logging.getLogger(__name__)
MAX_BODY = 1024 * 1024  # platforms send far less; anything bigger is refused with 413


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def create_app(settings: Settings, *, clock: Callable[[], datetime] = utcnow, demo: bool = False,
               run_worker: bool = True) -> web.Application:
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

    async def runtime(app: web.Application) -> AsyncIterator[None]:
        store = Store(make_engine(settings.database_url))
        await upgrade(store.engine)
        async with store.transaction() as tx:
            if demo:
                await seed_demo(tx, clock(), settings.timezone)
            await ensure_admins(tx, settings.admin_identities, clock())
        await warn_role_gaps(store, settings.changes)  # a chain rule naming a role nobody holds
        adapters: dict[str, Adapter] = {}
        if settings.console:
            adapters["console"] = ConsoleAdapter(app[keys.HUB])
        for edge in edges:
            adapters[edge.platform] = await edge.start(app)
        worker = DeliveryWorker(store, adapters, settings.delivery, clock)
        deps = Deps(catalog=Catalog(TEMPLATES_DIR / "i18n"), rules=settings.tickets,
                    timezone=settings.timezone, base_url=settings.base_url,
                    default_locale=settings.default_locale,
                    max_message_length=settings.max_message_length, card_views=build_card_views(),
                    finance=settings.finance, changes=settings.changes,
                    group_makers={name: adapter for name, adapter in adapters.items()
                                  if isinstance(adapter, GroupMaker)})
        app[keys.STORE], app[keys.WORKER] = store, worker
        app[keys.DISPATCHER] = Dispatcher(store, deps, build_router(), build_actions(), clock,
                                          worker.poke)
        writer = InboxWriter(store.engine)
        pipeline = InboundPipeline(app[keys.DISPATCHER], app[keys.MEDIA], writer, clock)
        for edge in edges:
            pipeline.register(edge.platform, edge.handling())
        consumer = InboxConsumer(store, pipeline, clock)
        writer.on_stored = consumer.poke
        app[keys.INBOUND], app[keys.INBOX] = pipeline, consumer
        writer.start()
        if run_worker:
            consumer.start()
        runner = JobRunner(store, deps, clock, worker.poke)
        app[keys.JOBS] = runner
        task = asyncio.create_task(worker.run(), name="delivery") if run_worker else None
        # Tests drive jobs themselves (run_worker=False) so nothing runs behind their back.
        jobs = [JobSpec(j.name, partial(j.run, runner), j.seconds) for j in build_jobs()]
        scheduler = start_scheduler(jobs if run_worker else [], settings.timezone)
        try:
            yield
        finally:
            scheduler.shutdown(wait=False)
            await consumer.stop()
            await writer.stop()
            if task is not None:
                task.cancel()
                await asyncio.gather(task, return_exceptions=True)
            for edge in edges:
                await edge.stop()
            await store.close()

    app.cleanup_ctx.append(runtime)
    install_pages(app)  # the customer's project page; wires its link signer after the runtime
    return app


async def healthz(request: web.Request) -> web.Response:
    try:
        await request.app[keys.STORE].ping()
    except Exception as error:  # report, don't crash: this is what monitoring polls
        return web.json_response({"status": "down", "error": type(error).__name__}, status=503)
    return web.json_response({"status": "ok"})
