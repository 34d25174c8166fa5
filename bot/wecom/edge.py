"""The WeCom edge: `GET/POST /webhooks/wecom` in, `WeComAdapter` out.

Every POST is answered within WeCom's 5 s with an empty 200 (which stops its retries); what
the handlers say goes out later through the outbox. Anything that is not a genuine callback
for this app (signature, key, corp id, XML) is refused with a log line and reaches nothing.
"""
from __future__ import annotations

import asyncio
import logging

import aiohttp
from aiohttp import web

from bot import keys
from bot.delivery.ports import Adapter
from bot.inbound import Answering, Refused
from bot.paths import TEMPLATES_DIR
from bot.settings import Settings
from bot.wecom import events
from bot.wecom.adapter import WeComAdapter
from bot.wecom.api import WeComApi
from bot.wecom.config import WeComConfig
from bot.wecom.verify import CallbackCrypto, parse_xml
from handlers.chat.contract import Message
from handlers.chat.dispatch import ToastFallback
from handlers.chat.i18n import Catalog

log = logging.getLogger(__name__)
PATH = "/webhooks/wecom"
EDGE: web.AppKey["WeComEdge"] = web.AppKey("wecom_edge")
# WeCom waits 5 s. A photo download (3 s at most) must leave room for the rest. WeCom has no
# toasts: a refusal of a button press ("无权限") goes to the presser as a message; success is
# visible on the card itself.
ANSWERING = Answering(deadline=4.5, photo_seconds=3.0,
                      toast_fallback=ToastFallback(kinds=frozenset({"warning", "error"})))


class WeComEdge:
    platform = events.PLATFORM

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.config = WeComConfig.from_section(settings.platforms.get("wecom", {}))
        self.crypto = CallbackCrypto(self.config)
        self.answering = ANSWERING
        self.api: WeComApi | None = None
        self._session: aiohttp.ClientSession | None = None

    def install_routes(self, app: web.Application) -> None:
        app[EDGE] = self
        app.router.add_get(PATH, self.verify_url)
        app.router.add_post(PATH, self.receive)

    async def start(self, app: web.Application) -> Adapter:
        self._session = aiohttp.ClientSession()
        self.api = WeComApi(self.config, self._session, app[keys.CLOCK])
        hint = Catalog(TEMPLATES_DIR / "i18n").t(self.settings.default_locale, "wecom.group_hint")
        return WeComAdapter(self.api, app[keys.CLOCK], self.settings.base_url, hint)

    async def stop(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def verify_url(self, request: web.Request) -> web.Response:
        """The URL check when the callback is saved in the admin console: answer the
        decrypted echostr, exactly (no quotes, no newline)."""
        query = request.query
        try:
            plain = self.crypto.verify_url(query["msg_signature"], query["timestamp"],
                                           query["nonce"], query["echostr"])
        except KeyError:
            return _refuse(Refused("missing msg_signature, timestamp, nonce or echostr"))
        except Refused as error:
            return _refuse(error)
        return web.Response(text=plain, content_type="text/plain")

    async def receive(self, request: web.Request) -> web.Response:
        started = asyncio.get_running_loop().time()
        query = request.query
        try:
            plain = self.crypto.open_message(await request.read(), query["msg_signature"],
                                             query["timestamp"], query["nonce"])
            self._check_agent(plain)
            event = events.parse(plain, request.app[keys.CLOCK]())
        except KeyError:
            return _refuse(Refused("missing msg_signature, timestamp or nonce"))
        except Refused as error:
            return _refuse(error)
        if event is not None:
            fetch = self.api.get_media if self.api is not None and isinstance(event, Message) else None
            await request.app[keys.INBOUND].handle(event, self.answering, started=started, fetch=fetch)
        return web.Response(text="")

    def _check_agent(self, plain: str) -> None:
        agent = (parse_xml(plain.encode("utf-8")).findtext("AgentID") or "").strip()
        if agent and agent != str(self.config.agent_id):
            raise Refused(f"callback for agent {agent}, not ours", 403)


def _refuse(error: Refused) -> web.Response:
    log.warning("wecom callback refused: %s", error)
    return web.Response(status=error.status, text="refused")
