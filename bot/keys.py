"""Typed application state, set once by the composition root (bot.app.create_app)."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Callable

from aiohttp import web

if TYPE_CHECKING:
    from bot.console.hub import ConsoleHub
    from bot.delivery.worker import DeliveryWorker
    from bot.health import TokenCache
    from bot.inbound import InboundPipeline
    from bot.inbox import InboxConsumer
    from bot.media import MediaStore
    from bot.metrics import PrometheusObserver
    from bot.page_templates import PageTemplates
    from bot.settings import Settings
    from domain.store.uow import Store
    from handlers.chat.dispatch import Dispatcher
    from handlers.chat.jobs import JobRunner

SETTINGS: web.AppKey["Settings"] = web.AppKey("settings")
# The app's clock (UTC now); edges use it to check timestamps so tests can fix time.
CLOCK: web.AppKey["Callable[[], datetime]"] = web.AppKey("clock")
STORE: web.AppKey["Store"] = web.AppKey("store")
DISPATCHER: web.AppKey["Dispatcher"] = web.AppKey("dispatcher")
# What every edge calls once it has a verified, parsed event (bot/inbound.py).
INBOUND: web.AppKey["InboundPipeline"] = web.AppKey("inbound")
# Handles the stored events after their ack (tests call its `drain()`).
INBOX: web.AppKey["InboxConsumer"] = web.AppKey("inbox")
WORKER: web.AppKey["DeliveryWorker"] = web.AppKey("worker")
JOBS: web.AppKey["JobRunner"] = web.AppKey("jobs")
MEDIA: web.AppKey["MediaStore"] = web.AppKey("media")
HUB: web.AppKey["ConsoleHub"] = web.AppKey("console_hub")
PAGES: web.AppKey["PageTemplates"] = web.AppKey("pages")
# The app's Prometheus registry and counters (bot/metrics.py); /readyz's cached token checks.
METRICS: web.AppKey["PrometheusObserver"] = web.AppKey("metrics")
READY_TOKENS: web.AppKey["TokenCache"] = web.AppKey("ready_tokens")
