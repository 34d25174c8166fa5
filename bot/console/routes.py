"""HTTP side of the console: the page, a directory of demo people and chats, sending messages,
pressing buttons, and a server-sent-event stream per chat."""
from __future__ import annotations

import asyncio
import json
import logging
import re
import uuid
from typing import Any, Awaitable, Callable

from aiohttp import web

from bot import keys
from bot.console.adapter import PLATFORM
from bot.console.files import file_attachment, is_sheet, keep_upload
from bot.console.hub import dm_chat
from bot.inbound import Answering, Busy, Refused
from bot.media import MediaError
from bot.screening import json_object, screened
from handlers.chat.contract import (Actor, Attachment, CardClick, Conversation, Inbound, Mention, Message,
                                    Recalled)

# The page waits for the handler's answer (it shows the toast and the new cards at once), so
# the console's "platform" is patient; photos are already ours (uploaded to /media/ first).
# Like every edge's, its events are stored in the inbox before they are handled.
ANSWERING = Answering(deadline=30.0)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
log = logging.getLogger(__name__)
_MENTION = re.compile(r"@(\S+)")
_NEW_MENTION = re.compile(r"(?:^|\s)@([^\s@]+)")   # not the tail of an e-mail address
_ID = re.compile(r"^[\w:.\-]{1,128}$")


def install(app: web.Application) -> None:
    app.router.add_get("/console", page)
    app.router.add_get("/console/api/directory", directory)
    app.router.add_get("/console/api/history", _logged(history))
    app.router.add_get("/console/api/stream", _logged(stream))
    app.router.add_post("/console/api/messages", _logged(post_message))
    app.router.add_post("/console/api/actions", _logged(press_button))
    app.router.add_post("/console/api/recall", _logged(recall_message))
    app.router.add_post("/console/api/upload", _logged(upload))


def _logged(handler: Handler) -> Handler:
    """A refused request (400, 413) costs one log line saying why, like every edge's."""
    async def refusing(request: web.Request) -> web.StreamResponse:
        try:
            return await handler(request)
        except web.HTTPClientError as refused:
            log.warning("console %s refused (%s): %s", request.path, refused.status, refused.text)
            raise
    return refusing


async def page(request: web.Request) -> web.Response:
    html = request.app[keys.PAGES].get_template("console/index.html").render()
    return web.Response(text=html, content_type="text/html", charset="utf-8")


async def directory(request: web.Request) -> web.Response:
    """Who you can be and where you can talk, from the database."""
    deps = request.app[keys.DISPATCHER].deps
    async with request.app[keys.STORE].transaction() as tx:
        people = []
        for person, identity in await tx.people.with_identities_on(PLATFORM):
            codes = sorted({r.value for _, r in await tx.projects.memberships_of(person.id)}
                           | set(person.org_roles or ()))
            roles = [deps.t(deps.default_locale, f"role.{code}") for code in codes]
            people.append({"id": identity.external_id, "name": person.name, "roles": roles,
                           "admin": person.is_admin})
        chats = []
        for binding in await tx.projects.bindings(platform=PLATFORM):
            project = await tx.projects.get(binding.project_id)
            chats.append({"id": binding.chat_id, "title": binding.title or binding.chat_id,
                          "project": project.code, "audience": binding.audience})
    return web.json_response({"people": people, "chats": chats})


async def history(request: web.Request) -> web.Response:
    chat = _chat_param(request.query.get("chat"), request.query.get("user"))
    hub = request.app[keys.HUB]
    return web.json_response({"messages": [m.as_json() for m in hub.history(chat)]})


async def stream(request: web.Request) -> web.StreamResponse:
    chat = _chat_param(request.query.get("chat"), request.query.get("user"))
    hub = request.app[keys.HUB]
    response = web.StreamResponse(headers={"Content-Type": "text/event-stream",
                                           "Cache-Control": "no-cache"})
    await response.prepare(request)
    queue = hub.subscribe(chat)
    try:
        await response.write(b": connected\n\n")
        while True:
            try:
                event = await asyncio.wait_for(queue.get(), timeout=15)
            except asyncio.TimeoutError:
                await response.write(b": keep-alive\n\n")  # keeps proxies from closing it
                continue
            data = json.dumps(event, ensure_ascii=False)
            await response.write(f"event: {event['event']}\ndata: {data}\n\n".encode())
    except (ConnectionResetError, asyncio.CancelledError):
        pass
    finally:
        hub.unsubscribe(chat, queue)
    return response


async def post_message(request: web.Request) -> web.Response:
    body = await _json(request)
    user, chat = _field(body, "user"), _field(body, "chat")
    text = body.get("text", "")
    if not isinstance(text, str):
        raise web.HTTPBadRequest(text="text must be a string")
    attachments = _attachments(body.get("attachments"))
    name = await _name_of(request, user)
    room = dm_chat(user) if chat == "dm" else chat
    hub = request.app[keys.HUB]
    shown = {"type": "text", "text": text, "attachments": [a.__dict__ for a in attachments]}
    posted = hub.post(room, user, name or user, shown)
    message = Message(platform=PLATFORM, event_id=_event_id(body), actor=Actor(PLATFORM, user, name),
                      conversation=Conversation(PLATFORM, room, is_group=chat != "dm"), text=text,
                      attachments=attachments, mentions=await _mentions(request, text),
                      message_id=posted.id, addressed=True)
    try:
        ack = await request.app[keys.INBOUND].handle_now(_screened(message), ANSWERING)
    except Busy:
        raise web.HTTPServiceUnavailable(text="busy, send again") from None
    return web.json_response({"ok": True, "duplicate": bool(ack and ack.duplicate),
                              "message_id": posted.id})


async def press_button(request: web.Request) -> web.Response:
    body = await _json(request)
    user, chat, message_id = _field(body, "user"), _field(body, "chat"), _field(body, "message_id")
    action = _field(body, "action")
    value = body.get("value") or {}
    if not isinstance(value, dict):
        raise web.HTTPBadRequest(text="value must be an object")
    room = dm_chat(user) if chat == "dm" else chat
    click = CardClick(platform=PLATFORM, event_id=_event_id(body),
                      actor=Actor(PLATFORM, user, await _name_of(request, user)),
                      conversation=Conversation(PLATFORM, room, is_group=chat != "dm"),
                      action=action, value=value, message_id=message_id)
    try:
        ack = await request.app[keys.INBOUND].handle_now(_screened(click), ANSWERING)
    except Busy:
        raise web.HTTPServiceUnavailable(text="busy, press again") from None
    toast = {"text": ack.toast.text, "kind": ack.toast.kind} if ack and ack.toast else None
    return web.json_response({"ok": True, "duplicate": bool(ack and ack.duplicate), "toast": toast})


async def recall_message(request: web.Request) -> web.Response:
    """撤回: the author withdraws one of their messages, as on a platform (contract.Recalled)."""
    body = await _json(request)
    user, chat, message_id = _field(body, "user"), _field(body, "chat"), _field(body, "message_id")
    room = dm_chat(user) if chat == "dm" else chat
    hub = request.app[keys.HUB]
    message = hub.get(message_id)
    if message is None or message.chat_id != room:
        raise web.HTTPNotFound(text="no such message in this chat")
    if message.sender != user:
        raise web.HTTPForbidden(text="only its author can recall a message")
    hub.update(message_id, {"type": "text", "text": "", "attachments": [], "recalled": True}, room)
    recalled = Recalled(platform=PLATFORM, event_id=_event_id(body),
                        actor=Actor(PLATFORM, user, await _name_of(request, user)),
                        conversation=Conversation(PLATFORM, room, is_group=chat != "dm"),
                        recalled_message_id=message_id)
    try:
        ack = await request.app[keys.INBOUND].handle_now(recalled, ANSWERING)
    except Busy:
        raise web.HTTPServiceUnavailable(text="busy, recall again") from None
    return web.json_response({"ok": True, "duplicate": bool(ack and ack.duplicate)})


async def upload(request: web.Request) -> web.Response:
    """A photo from the page; the message that carries it refers to the returned path."""
    try:
        form = await request.post()
    except ValueError:
        raise web.HTTPBadRequest(text="expected a multipart form with a file") from None
    item = form.get("file")
    if item is None or not hasattr(item, "file"):
        raise web.HTTPBadRequest(text="expected a multipart form with a file")
    if is_sheet(item):   # a spreadsheet to import, not a photo
        return web.json_response(keep_upload(request.app, item))
    try:
        ref = request.app[keys.MEDIA].save(item.file.read(), item.content_type or "")
    except MediaError as error:
        raise web.HTTPBadRequest(text=str(error)) from None
    return web.json_response({"ref": ref})


def _attachments(raw: Any) -> tuple[Attachment, ...]:
    """Photos (uploaded first, referred to by their /media/ path) and locations."""
    if raw is None:
        return ()
    if not isinstance(raw, list) or len(raw) > 9:
        raise web.HTTPBadRequest(text="attachments must be a list of at most 9 items")
    out = []
    for item in raw:
        kind = item.get("kind") if isinstance(item, dict) else None
        if kind == "file" and file_attachment(item) is not None:
            out.append(file_attachment(item))
        elif kind == "image" and isinstance(item.get("ref"), str) and item["ref"].startswith("/media/"):
            out.append(Attachment("image", ref=item["ref"]))
        elif kind == "location":
            try:
                lat, lng = float(item["latitude"]), float(item["longitude"])
            except (KeyError, TypeError, ValueError):
                raise web.HTTPBadRequest(text="a location needs latitude and longitude") from None
            if not (-90 <= lat <= 90 and -180 <= lng <= 180):
                raise web.HTTPBadRequest(text="latitude/longitude out of range")
            name = item.get("name") if isinstance(item.get("name"), str) else None
            out.append(Attachment("location", latitude=lat, longitude=lng, name=name and name[:100]))
        else:
            raise web.HTTPBadRequest(text="an attachment is an uploaded image or a location")
    return tuple(out)


async def _json(request: web.Request) -> dict[str, Any]:
    try:
        return json_object(await request.read())
    except Refused as refused:
        raise web.HTTPBadRequest(text=refused.reason) from None


def _screened(event: Inbound) -> Inbound:
    try:
        return screened(event)
    except Refused as refused:
        raise web.HTTPBadRequest(text=refused.reason) from None


def _field(body: dict[str, Any], name: str) -> str:
    value = body.get(name)
    if not isinstance(value, str) or not _ID.match(value):
        raise web.HTTPBadRequest(text=f"{name} is missing or not a valid id")
    return value


def _chat_param(chat: str | None, user: str | None) -> str:
    if chat == "dm" and user and _ID.match(user):
        return dm_chat(user)
    if not chat or not _ID.match(chat):
        raise web.HTTPBadRequest(text="chat is missing or not a valid id")
    return chat


def _event_id(body: dict[str, Any]) -> str:
    """The page sends a fresh id per action, so a resent request is a duplicate, not a repeat."""
    given = body.get("event_id")
    return given if isinstance(given, str) and _ID.match(given) else uuid.uuid4().hex


async def _name_of(request: web.Request, user: str) -> str | None:
    async with request.app[keys.STORE].transaction() as tx:
        identity = await tx.people.identity(PLATFORM, user)
        person = await tx.people.get(identity.person_id) if identity else None
    return person.name if person else None


async def _mentions(request: web.Request, text: str) -> tuple[Mention, ...]:
    """"@王工" in console text -> the console user with that name, like a platform mention.
    A name nobody on the console has yet is a new console user whose id is that name, as a
    platform's mention always carries a user id: so a company can be set up from an empty
    database (成员 添加 @钱会计 …), and 钱会计 can then pick that id and speak."""
    names = _MENTION.findall(text)
    if not names:
        return ()
    async with request.app[keys.STORE].transaction() as tx:
        known = {p.name: i.external_id for p, i in await tx.people.with_identities_on(PLATFORM)}
    new = set(_NEW_MENTION.findall(text))
    return tuple(Mention(known[n], n) if n in known else Mention(n, n) for n in names
                 if n in known or (n in new and _ID.match(n)))
