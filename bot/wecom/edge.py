"""The WeCom edge: `GET/POST /webhooks/wecom` in, `WeComAdapter` out.

Every POST is answered as soon as its event is stored, with an empty 200 (which stops WeCom's
retries); what the handlers say goes out later through the outbox. Anything that is not a genuine callback
for this app (signature, key, corp id, XML) is refused with one log line and reaches nothing:
the query's signature parameters are looked for first, the size next (a body over MAX_XML is
not read), and the envelope is parsed only to find the ciphertext the signature covers.
"""
from __future__ import annotations

import logging

import aiohttp
from aiohttp import web

from bot import keys
from bot.delivery.ports import Adapter
from bot.inbound import Busy, Handling, Refused
from bot.names import NameBook
from bot.paths import TEMPLATES_DIR
from bot.screening import read_body, screened
from bot.settings import Settings
from bot.wecom import events
from bot.wecom.adapter import WeComAdapter
from bot.wecom.api import WeComApi
from bot.wecom.config import WeComConfig
from bot.wecom.files import fetch_file
from bot.wecom.names import user_name
from bot.wecom.verify import MAX_XML, CallbackCrypto, parse_xml
from handlers.chat.dispatch import ToastFallback
from handlers.chat.i18n import Catalog

log = logging.getLogger(__name__)
PATH = "/webhooks/wecom"
EDGE: web.AppKey["WeComEdge"] = web.AppKey("wecom_edge")
# WeCom has no toasts: a refusal of a button press ("无权限") goes to the presser as a
# message; success is visible on the card itself.
TOAST_FALLBACK = ToastFallback(kinds=frozenset({"warning", "error"}))


class WeComEdge:
    platform = events.PLATFORM

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.config = WeComConfig.from_section(settings.platforms.get("wecom", {}))
        self.crypto = CallbackCrypto(self.config)
        self.api: WeComApi | None = None
        self._session: aiohttp.ClientSession | None = None

    def install_routes(self, app: web.Application) -> None:
        app[EDGE] = self
        app.router.add_get(PATH, self.verify_url)
        app.router.add_post(PATH, self.receive)

    async def start(self, app: web.Application) -> Adapter:
        self._session = aiohttp.ClientSession()
        self.api = WeComApi(self.config, self._session, app[keys.CLOCK])
        catalog, locale = Catalog(TEMPLATES_DIR / "i18n"), self.settings.default_locale
        return WeComAdapter(self.api, app[keys.CLOCK], self.settings.base_url,
                            catalog.t(locale, "wecom.group_hint"), catalog.t(locale, "wecom.submit"),
                            app.get(keys.MEDIA))

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
        query = request.query
        try:
            signature, timestamp, nonce = query["msg_signature"], query["timestamp"], query["nonce"]
            plain = self.crypto.open_message(await read_body(request, MAX_XML), signature,
                                             timestamp, nonce)
            self._check_agent(plain)
            event = events.parse(plain, request.app[keys.CLOCK]())
            event = screened(event) if event is not None else None
        except KeyError:
            return _refuse(Refused("missing msg_signature, timestamp or nonce"))
        except Refused as error:
            return _refuse(error)
        if event is not None:
            try:
                await request.app[keys.INBOUND].accept(event)
            except Busy as busy:  # WeCom delivers again when the answer is not a 200
                return web.Response(status=503, text="busy", headers={"Retry-After": str(busy.retry_after)})
        return web.Response(text="")

    def handling(self) -> Handling:
        """Stored events: a photo's MediaId lives 3 days on WeCom, so we keep our own copy; a
        file message's spreadsheet is kept too (for its import)."""
        return Handling(fetch=self.api.get_media, toast_fallback=TOAST_FALLBACK,
                        fetch_file=lambda attachment: fetch_file(self.api, attachment),
                        names=NameBook(lambda user_id: user_name(self.api, user_id)))

    def _check_agent(self, plain: str) -> None:
        agent = (parse_xml(plain.encode("utf-8")).findtext("AgentID") or "").strip()
        if agent and agent != str(self.config.agent_id):
            raise Refused(f"callback for agent {agent}, not ours", 403)


def _refuse(error: Refused) -> web.Response:
    log.warning("wecom callback refused: %s", error)
    return web.Response(status=error.status, text="refused")
