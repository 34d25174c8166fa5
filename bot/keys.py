"""Typed application state, set once by the composition root (bot.app.create_app)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import web

if TYPE_CHECKING:
    from bot.console.hub import ConsoleHub
    from bot.delivery.worker import DeliveryWorker
    from bot.settings import Settings
    from domain.store.uow import Store
    from handlers.dispatch import Dispatcher
    from jinja2 import Environment

SETTINGS: web.AppKey["Settings"] = web.AppKey("settings")
STORE: web.AppKey["Store"] = web.AppKey("store")
DISPATCHER: web.AppKey["Dispatcher"] = web.AppKey("dispatcher")
WORKER: web.AppKey["DeliveryWorker"] = web.AppKey("worker")
HUB: web.AppKey["ConsoleHub"] = web.AppKey("console_hub")
PAGES: web.AppKey["Environment"] = web.AppKey("pages")
