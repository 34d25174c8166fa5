"""`建群 P-001 [客户]`, sent to the app one-to-one: the app creates a WeCom group chat
(appchat) with the project's people on WeCom and binds it to the project.

Why here and not in handlers/: an app's callbacks carry no group id, so a WeCom project group
cannot say `绑定` itself; it has to be made by the app. Permission is the same as binding a
chat (domain.access, via domain.people.bind_chat), the reply goes through the outbox, and the
command is de-duplicated like any inbound event. The group id is derived from the event id, so
a retried creation asks WeCom for the same group rather than a second one.
"""
from __future__ import annotations

import hashlib
import logging
import re

from aiohttp import web

from bot import keys
from bot.delivery.ports import DeliveryError
from bot.wecom.api import WeComApi
from bot.wecom.events import PLATFORM, dm_chat
from domain.access import Action, require
from domain.enums import Audience, Role, STAFF_ROLES
from domain.errors import DomainError
from domain.people import bind_chat, project_by_code
from domain.store.uow import Tx
from handlers.chat.contract import Message, Text

log = logging.getLogger(__name__)
COMMAND = re.compile(r"^\s*(?:建群|create group)\s*(\S+)?\s*(\S+)?\s*$", re.IGNORECASE)
_CUSTOMER = {"客户", "客户群", "外部", "customer", "external"}
_INTERNAL = {"内部", "内部群", "internal"}


async def create_group_command(app: web.Application, api: WeComApi | None, message: Message) -> bool:
    """True when the message was this command (handled here), else False (dispatch it)."""
    match = COMMAND.match(message.text)
    if match is None or api is None:
        return False
    store, deps, now = app[keys.STORE], app[keys.DISPATCHER].deps, app[keys.CLOCK]()
    user = message.actor.user_id
    code, word = match.group(1), (match.group(2) or "").lower()
    locale = "en" if message.text.strip().lower().startswith("create") else deps.default_locale

    async def answer(tx: Tx, key: str, **params: object) -> None:
        await tx.outbox.enqueue(key=f"{PLATFORM}:{message.event_id}:{key}", platform=PLATFORM,
                                target_type="chat", target_id=dm_chat(user), now=now,
                                payload=Text(deps.t(locale, _wording(key), **params)).to_payload())

    async with store.transaction() as tx:
        if await tx.inbound.claim(PLATFORM, message.event_id, "message", now) is None:
            return True  # WeCom retried: the first delivery does (or did) the work
        plan = await _plan(tx, user, code, word, answer,
                           lambda key: deps.t(locale, key))
    if plan is None:
        app[keys.WORKER].poke()
        return True
    project_id, audience, title, members = plan
    chatid = "sb" + hashlib.sha1(f"{PLATFORM}:{message.event_id}".encode()).hexdigest()[:20]
    try:
        chatid = await api.appchat_create(chatid, title, user, members)
    except DeliveryError as error:
        log.warning("wecom appchat/create failed for %s: %s", code, error)
        async with store.transaction() as tx:
            await answer(tx, "failed", error=str(error))
        app[keys.WORKER].poke()
        return True
    async with store.transaction() as tx:
        person = await tx.people.by_identity(PLATFORM, user)
        project = await tx.projects.get(project_id)
        await bind_chat(tx, person, project, PLATFORM, chatid, audience, title, now)
        await answer(tx, "created", title=title, count=len(members))
        await tx.outbox.enqueue(key=f"{PLATFORM}:{message.event_id}:welcome", platform=PLATFORM,
                                target_type="chat", target_id=chatid, now=now,
                                payload=Text(deps.t(locale, "wecom.group.welcome", title=title))
                                .to_payload())
    app[keys.WORKER].poke()
    return True


async def _plan(tx: Tx, user: str, code: str | None, word: str, answer, t):  # noqa: ANN001, ANN202
    """Check everything before touching WeCom: who asks, which project, may they, who joins."""
    person = await tx.people.by_identity(PLATFORM, user)
    if person is None:
        await answer(tx, "unknown")
        return None
    if not code or (word and word not in _CUSTOMER | _INTERNAL):
        await answer(tx, "usage")
        return None
    audience = Audience.CUSTOMER if word in _CUSTOMER else Audience.INTERNAL
    try:
        project = await project_by_code(tx, code)
        await require(tx, person, Action.BIND_CHAT, project_id=project.id)
    except DomainError as error:
        await answer(tx, error.key, **error.params)
        return None
    wanted = ({Role.CUSTOMER_CONTACT, Role.PROJECT_MANAGER} if audience == Audience.CUSTOMER
              else set(STAFF_ROLES))
    members = [user]
    for member, role in await tx.projects.members(project.id):
        if role not in wanted:
            continue
        for identity in await tx.people.identities_of(member.id):
            if identity.platform == PLATFORM and identity.external_id not in members:
                members.append(identity.external_id)
    if len(members) < 2:  # appchat/create needs at least two members
        await answer(tx, "too_few", code=project.code)
        return None
    name = t(f"wecom.group.name_{audience.value}")
    return project.id, audience, f"{project.code} {project.name} {name}", members


def _wording(key: str) -> str:
    """Our own answers live under wecom.group.*; domain refusals keep their own keys."""
    return key if "." in key else f"wecom.group.{key}"
