"""The WeCom edge: `GET/POST /webhooks/wecom` in, `WeComAdapter` out.

Every POST is answered within WeCom's 5 s with an empty 200 (which stops its retries); what
the handlers say goes out later through the outbox. Anything that is not a genuine callback
for this app (signature, key, corp id, XML) is refused with a log line and reaches nothing.
"""
from __future__ import annotations

import asyncio
import dataclasses
import logging
from datetime import datetime

import aiohttp
from aiohttp import web

from bot import keys
from bot.delivery.ports import Adapter, DeliveryError
from bot.media import MediaError
from bot.paths import TEMPLATES_DIR
from bot.settings import Settings
from bot.wecom import events, groups
from bot.wecom.adapter import WeComAdapter
from bot.wecom.api import WeComApi
from bot.wecom.config import WeComConfig
from bot.inbound import Refused
from bot.wecom.verify import CallbackCrypto, parse_xml
from handlers.chat.contract import Attachment, Message, Text
from handlers.chat.i18n import Catalog

log = logging.getLogger(__name__)
PATH = "/webhooks/wecom"
EDGE: web.AppKey["WeComEdge"] = web.AppKey("wecom_edge")
_SHOWN_KINDS = ("warning", "error")  # button answers WeCom must show as a message (no toasts)
PHOTO_SECONDS = 3.0  # a photo download must leave room in WeCom's 5 s window


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
        query = request.query
        try:
            plain = self.crypto.open_message(await request.read(), query["msg_signature"],
                                             query["timestamp"], query["nonce"])
            self._check_agent(plain)
            event = events.parse(plain)
        except KeyError:
            return _refuse(Refused("missing msg_signature, timestamp or nonce"))
        except Refused as error:
            return _refuse(error)
        if isinstance(event, events.Click):
            await self._click(request.app, event)
        elif isinstance(event, Message):
            if not await groups.create_group_command(request.app, self.api, event):
                event = await self._keep_photos(request.app, event)
                await request.app[keys.DISPATCHER].handle(event)
        return web.Response(text="")

    async def _keep_photos(self, app: web.Application, message: Message) -> Message:
        """A photo's MediaId lives 3 days on WeCom: keep our own copy (/media/…) so tickets
        still show it later. If the download fails, the MediaId is passed on as it is."""
        if self.api is None or not any(a.kind == "image" and a.ref for a in message.attachments):
            return message
        kept = []
        for attachment in message.attachments:
            if attachment.kind == "image" and attachment.ref:
                try:
                    data, kind = await asyncio.wait_for(self.api.get_media(attachment.ref), PHOTO_SECONDS)
                    attachment = Attachment("image", ref=app[keys.MEDIA].save(data, kind))
                except (DeliveryError, MediaError, asyncio.TimeoutError) as error:
                    log.warning("wecom photo %s not kept: %s", attachment.ref, error)
            kept.append(attachment)
        return dataclasses.replace(message, attachments=tuple(kept))

    def _check_agent(self, plain: str) -> None:
        agent = (parse_xml(plain.encode("utf-8")).findtext("AgentID") or "").strip()
        if agent and agent != str(self.config.agent_id):
            raise Refused(f"callback for agent {agent}, not ours", 403)

    async def _click(self, app: web.Application, click: events.Click) -> None:
        store, clock = app[keys.STORE], app[keys.CLOCK]
        if click.response_code:
            await _keep_response_code(store, click, clock())
        ack = await app[keys.DISPATCHER].handle(click.event)
        if ack.toast is None or ack.toast.kind not in _SHOWN_KINDS:
            return  # success is visible on the card itself
        # WeCom has no toast: a refusal ("无权限") goes to the presser as a message. The key
        # follows the event, so a repeated delivery does not say it twice.
        async with store.transaction() as tx:
            await tx.outbox.enqueue(key=f"wecom:{click.event.event_id}:toast", platform=self.platform,
                                    target_type="user", target_id=click.event.actor.user_id,
                                    payload=Text(ack.toast.text).to_payload(), now=clock())
        app[keys.WORKER].poke()


async def _keep_response_code(store, click: events.Click, now: datetime) -> None:  # noqa: ANN001
    """The press brought a fresh single-use code for this card: store it before dispatching,
    so the card update the press causes uses the newest code. A repeated delivery of the
    same press is skipped, so it cannot bring back a code that was already used."""
    async with store.transaction() as tx:
        if await tx.inbound.get(events.PLATFORM, click.event.event_id) is not None:
            return
        post = await tx.outbox.post(events.PLATFORM, click.task_id)
        if post is not None:
            post.handle = {**post.handle, "response_code": click.response_code,
                           "code_at": now.isoformat()}


def _refuse(error: Refused) -> web.Response:
    log.warning("wecom callback refused: %s", error)
    return web.Response(status=error.status, text="refused")
