"""The Feishu edge as the composition root sees it: routes, then the API client and adapter
while the app runs."""
from __future__ import annotations

from aiohttp import web

from bot import keys
from bot.feishu.adapter import FeishuAdapter
from bot.feishu.api import FeishuApi
from bot.feishu.config import FeishuConfig
from bot.feishu.events import PLATFORM
from bot.feishu.webhook import FeishuWebhook
from bot.settings import ConfigError, Settings

# The running edge, for its own routes and for tests that tune its deadline or wait for it.
FEISHU_EDGE: web.AppKey["FeishuEdge"] = web.AppKey("feishu_edge")
STOP_GRACE_SECONDS = 5.0


class FeishuEdge:
    platform = PLATFORM

    def __init__(self, settings: Settings) -> None:
        self.config = FeishuConfig.from_settings(settings.platforms.get(PLATFORM, {}))
        if not (self.config.verification_token or self.config.encrypt_key):
            raise ConfigError("feishu: set SITEBOT_FEISHU_VERIFICATION_TOKEN or "
                              "SITEBOT_FEISHU_ENCRYPT_KEY, or anyone could post events")
        self.webhook = FeishuWebhook(self)
        self.api: FeishuApi | None = None
        self.adapter: FeishuAdapter | None = None

    def install_routes(self, app: web.Application) -> None:
        app[FEISHU_EDGE] = self
        app.router.add_post("/webhooks/feishu", self.webhook.handle)

    async def start(self, app: web.Application) -> FeishuAdapter:
        self.api = FeishuApi(self.config)
        self.adapter = FeishuAdapter(self.api, app[keys.MEDIA])
        return self.adapter

    async def stop(self) -> None:
        await self.webhook.settle(timeout=STOP_GRACE_SECONDS)
