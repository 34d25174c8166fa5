"""What runs while the app runs, by role:

- `all`: one process does everything (the default, and what tests use);
- `web`: the HTTP side only: edges store events and answer inline presses, the console's own
  messages are delivered here (its hub lives in this process), no consumer, no scheduler;
- `worker`: no HTTP at all: the inbox consumer, delivery to the platforms and the scheduler
  (`sitebot work`, on the second core; it finds new events by looking at the inbox often).

Web and worker share nothing but the database, so either can be restarted alone.
"""
from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import AsyncIterator, Callable

from aiohttp import web

from bot import keys
from bot.connection_lease import CONNECTIONS, INBOX_HANDLER, SENDER, HeldConnection
from domain.store.lease import lease_for
from bot.console.adapter import ConsoleAdapter
from bot.delivery.integrations import integration_adapters
from bot.delivery.ports import Adapter
from bot.delivery.worker import DeliveryWorker
from bot.edges import Edge
from bot.files_store import FileStore
from bot.inbound import InboundPipeline
from bot.inbox import InboxConsumer
from bot.logging_setup import EventLog
from bot.media import MediaStore
from bot.observe import Observer, Observers
from bot.jobs import JobSpec, start_scheduler
from bot.metrics import CountingAdapter
from bot.paths import TEMPLATES_DIR
from bot.platforms import ACCOUNT_PLATFORMS, PLATFORMS
from bot.settings import Settings
from domain.capture.classifier import shared as report_classifier
from domain.demo import seed_demo
from domain.people import ensure_admins
from domain.store.engine import make_engine
from domain.store.inbox import Inbox
from domain.store.inbox_writer import InboxWriter
from domain.store.migrate import upgrade, wait_for_head
from domain.store.uow import Store
from handlers.changes.jobs import warn_role_gaps
from handlers.chat.context import Deps
from handlers.chat.dispatch import Dispatcher
from handlers.chat.i18n import Catalog
from handlers.chat.jobs import JobRunner
from handlers.chat.ports import GroupMaker
from handlers.registry import build_actions, build_card_views, build_jobs, build_report_filer, build_router

ROLES = ("all", "web", "worker")
__all__ = ["CONNECTIONS", "ROLES", "SENDER", "runtime"]
WORKER_POLL_SECONDS = 0.05     # how often a worker process looks for new events and rows


def runtime(settings: Settings, edges: list[Edge], clock: Callable[[], datetime], *, demo: bool,
            background: bool, role: str) -> Callable[[web.Application], AsyncIterator[None]]:
    """The app's cleanup context: builds the running parts at start-up, stops them at exit."""
    async def run(app: web.Application) -> AsyncIterator[None]:
        async with AsyncExitStack() as stack:
            store = Store(make_engine(settings.database_url))
            stack.push_async_callback(store.close)
            if role == "worker":
                await wait_for_head(store.engine)   # the web process migrates
            else:
                await upgrade(store.engine)
                async with store.transaction() as tx:
                    if demo:
                        await seed_demo(tx, clock(), settings.timezone)
                    await ensure_admins(tx, settings.admin_identities, clock())
                await warn_role_gaps(store, settings.changes)  # a chain rule naming a role nobody holds
            adapters: dict[str, Adapter] = {}
            if settings.console and role != "worker":
                adapters["console"] = ConsoleAdapter(app[keys.HUB])
            for edge in edges:
                adapters[edge.platform] = await edge.start(app)
                stack.push_async_callback(edge.stop)
            adapters.update(await integration_adapters(stack, store, settings.email))   # webhooks, e-mail
            polling = role == "worker"
            # The console's hub lives in the web process: its rows are delivered there, the
            # platforms' rows by the worker process.
            others = {"web": [p.name for p in PLATFORMS], "worker": ["console"]}.get(role, [])
            sending = {k: v for k, v in adapters.items() if k not in others}
            observer = Observers(app[keys.METRICS], EventLog())   # /metrics and the log's event lines
            counted: dict[str, Adapter] = {k: CountingAdapter(v, observer) for k, v in adapters.items()}
            worker = DeliveryWorker(store, counted, settings.delivery, clock,
                                    idle_seconds=0.1 if polling else 1.0, leave_to_others=others)
            worker.observer = observer
            deps = _deps(settings, adapters)
            if role != "web":   # handles messages: a skipped build is fitted now, not in a message's transaction
                report_classifier().fit_now_if_unbuilt()
            dispatcher = Dispatcher(store, deps, build_router(), build_actions(), clock, worker.poke)
            inbox = await Inbox.open(store.engine, settings.database_url)
            stack.push_async_callback(inbox.close)
            writer = InboxWriter(inbox.engine)
            pipeline = InboundPipeline(dispatcher, app[keys.MEDIA], writer, clock)
            pipeline.observer = observer
            for edge in edges:
                pipeline.register(edge.platform, edge.handling())
            # SQLite has one writer at a time: lanes would only wait on each other's lock (in
            # SQLite's sleeping busy handler), so one lane there; PostgreSQL runs them side by side.
            # On PostgreSQL other replicas' edges store rows too: the one handling them looks often.
            # Groups are shorter on SQLite: a group holds the one write lock while it is handled,
            # and the delivery pass's writes wait for it (bench/e2e.py at 45/s: reply p50
            # 0.55-2.2 s with groups of 20, 0.09-0.10 s with 5; most of grouping's saving stays).
            consumer = InboxConsumer(inbox, writer, pipeline, clock,
                                     lanes=1 if store.dialect == "sqlite" else 4,
                                     max_group=5 if store.dialect == "sqlite" else 20,
                                     poll_seconds=WORKER_POLL_SECONDS
                                     if polling or store.dialect != "sqlite" else 5.0)
            writer.on_stored = consumer.poke
            runner = JobRunner(store, deps, clock, worker.poke)
            app[keys.STORE], app[keys.WORKER], app[keys.DISPATCHER] = store, worker, dispatcher
            app[keys.INBOUND], app[keys.INBOX], app[keys.JOBS] = pipeline, consumer, runner
            writer.start()
            stack.push_async_callback(writer.stop)
            if role != "worker":   # the process that stores events holds the connections
                app[CONNECTIONS] = await _hold_connections(stack, edges, store)
            if background:   # tests drive the consumer, the worker and the jobs themselves
                await _background(app, store, stack, role, consumer, worker, runner, settings, sending, observer)
            yield
    return run


async def _hold_connections(stack: AsyncExitStack, edges: list[Edge], store: Store) -> dict[str, HeldConnection]:
    """Platforms that connect out (Feishu's long connection, DingTalk's stream): each held by
    one replica at a time (bot/connection_lease.py). Closed before the edges stop."""
    held: dict[str, HeldConnection] = {}
    for edge in edges:
        connect = getattr(edge, "connection", lambda: None)()
        if connect is None:
            continue
        name = f"sitebot:{edge.platform}:connection"
        held[edge.platform] = connection = HeldConnection(
            f"{edge.platform} connection", lease_for(store.engine, store.dialect, name), connect)
        connection.start()
        stack.push_async_callback(connection.stop)
    return held


def _deps(settings: Settings, adapters: dict[str, Adapter]) -> Deps:
    return Deps(catalog=Catalog(TEMPLATES_DIR / "i18n"), rules=settings.tickets,
                timezone=settings.timezone, base_url=settings.base_url,
                default_locale=settings.default_locale,
                max_message_length=settings.max_message_length, card_views=build_card_views(),
                finance=settings.finance, changes=settings.changes,
                capture=settings.capture, filer=build_report_filer(), site=settings.site,
                group_makers={name: adapter for name, adapter in adapters.items()
                              if isinstance(adapter, GroupMaker)},
                files=FileStore.under(Path(settings.media_dir)), photos=MediaStore(Path(settings.media_dir)),
                platforms=ACCOUNT_PLATFORMS)


async def _background(app: web.Application, store: Store, stack: AsyncExitStack, role: str,
                      consumer: InboxConsumer, worker: DeliveryWorker, runner: JobRunner,
                      settings: Settings, sending: dict[str, Adapter], observer: Observer) -> None:
    if role != "web":
        _handle_inbox(app, store, stack, consumer)
        jobs = [JobSpec(j.name, partial(j.run, runner), j.seconds) for j in build_jobs()]
        scheduler = start_scheduler(jobs, settings.timezone, observer)
        stack.callback(scheduler.shutdown, wait=False)
    if sending and role != "web":
        # The platforms' sends: one process at a time on one database, so each platform's rate
        # windows (bot/delivery/limits.py, kept in the sending process) hold across replicas;
        # another takes over within seconds when it dies (bot/connection_lease.py).
        sender = HeldConnection("delivery", lease_for(store.engine, store.dialect, "sitebot:delivery"),
                                worker.run)
        sender.start()
        stack.push_async_callback(sender.stop)
        app[SENDER] = sender
    elif sending:   # the web side delivers only its own console's rows
        task = asyncio.create_task(worker.run(), name="delivery")

        async def stop() -> None:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
        stack.push_async_callback(stop)


def _handle_inbox(app: web.Application, store: Store, stack: AsyncExitStack, consumer: InboxConsumer) -> None:
    """SQLite: this process is the only one. PostgreSQL: one process at a time across the
    replicas handles the shared inbox (why: bot/inbox.py), another within seconds when it dies."""
    if store.dialect == "sqlite":
        consumer.start()
        stack.push_async_callback(consumer.stop)
        return
    handler = HeldConnection("inbox", lease_for(store.engine, store.dialect, "sitebot:inbox"), consumer.run)
    handler.start()
    stack.push_async_callback(handler.stop)
    app[INBOX_HANDLER] = handler
