"""Platform edges (Feishu, WeCom, DingTalk) and how the composition root finds them.

An edge adds its webhook routes when the app is built and, while the app runs, owns its API
client, which it hands to the delivery worker as the platform's adapter. A platform is enabled
when its identifying setting is present (`bot/platforms.py`); its package is imported only
then, so a start pays only for the platforms it uses.
"""
from __future__ import annotations

import importlib
from typing import Protocol

from aiohttp import web

from bot.delivery.ports import Adapter
from bot.inbound import Handling
from bot.platforms import PLATFORMS
from bot.settings import Settings


class Edge(Protocol):
    platform: str

    def install_routes(self, app: web.Application) -> None: ...

    async def start(self, app: web.Application) -> Adapter: ...

    def handling(self) -> Handling: ...

    async def stop(self) -> None: ...


def enabled_edges(settings: Settings) -> list[Edge]:
    edges = []
    for platform in PLATFORMS:
        if settings.platforms.get(platform.name, {}).get(platform.switch):
            module_name, class_name = platform.edge.split(":")
            edge_class = getattr(importlib.import_module(module_name), class_name)
            edges.append(edge_class(settings))
    return edges
