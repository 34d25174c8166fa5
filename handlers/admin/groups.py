"""`建群 P-001 [客户]`, sent one-to-one on a platform whose app can create groups (WeCom's
appchat): the app creates a group chat with the project's people on that platform and binds it
to the project.

Why a command and not `绑定`: a WeCom app's callbacks carry no group id, so such a project
group cannot say `绑定` itself; the app has to make it. Permission is the same as binding a
chat (domain.access, via domain.people.bind_chat). The group id asked for is derived from the
event id, so a retried creation asks the platform for the same group rather than a second one.
"""
from __future__ import annotations

import hashlib

from domain.access import Action, require
from domain.enums import CUSTOMER_SIDE, STAFF_ROLES, Audience, Role
from domain.errors import DomainError
from domain.people import bind_chat, project_by_code
from domain.store.models import Project
from handlers.chat.context import Ctx
from handlers.chat.contract import Target, Text
from handlers.chat.ports import CapabilityError

_CUSTOMER = {"客户", "客户群", "外部", "customer", "external"}
_INTERNAL = {"内部", "内部群", "internal"}


async def create_group(ctx: Ctx, args: str) -> None:
    maker = ctx.deps.group_makers.get(ctx.platform)
    words = args.split()
    if maker is None or len(words) > 2:
        # Not a command on this platform (or not this command): what any unknown text gets.
        if ctx.message.addressed:
            ctx.say(ctx.t("help.unknown", text=ctx.message.text.strip()[:20]))
        return
    code, word = (words + ["", ""])[:2]
    word = word.lower()
    if not code or (word and word not in _CUSTOMER | _INTERNAL):
        ctx.say(ctx.t("group.usage"))
        return
    audience = Audience.CUSTOMER if word in _CUSTOMER else Audience.INTERNAL
    try:
        project = await project_by_code(ctx.tx, code)
        await require(ctx.tx, ctx.person, Action.BIND_CHAT, project_id=project.id)
    except DomainError as error:
        ctx.say(ctx.t(error.key, **error.params))
        return
    members = await _members(ctx, project, audience)
    if len(members) < 2:  # a group needs at least two members
        ctx.say(ctx.t("group.too_few", code=project.code))
        return
    title = f"{project.code} {project.name} {ctx.t(f'group.name_{audience.value}')}"
    wanted = "sb" + hashlib.sha1(f"{ctx.platform}:{ctx.event.event_id}".encode()).hexdigest()[:20]
    try:
        chat_id = await maker.create_group(wanted, title, ctx.event.actor.user_id, members)
    except CapabilityError as error:
        ctx.say(ctx.t("group.failed", error=str(error)))
        return
    await bind_chat(ctx.tx, ctx.person, project, ctx.platform, chat_id, audience, title, ctx.now)
    ctx.say(ctx.t("group.created", title=title, count=len(members)))
    ctx.post(Target(ctx.platform, "chat", chat_id), Text(ctx.t("group.welcome", title=title)),
             "welcome", ctx.locale)


async def _members(ctx: Ctx, project: Project, audience: Audience) -> list[str]:
    """The asker first, then the project's people on this platform: the customer contact and
    the PM in a customer group, the staff in an internal one."""
    wanted = (set(CUSTOMER_SIDE) | {Role.PROJECT_MANAGER} if audience == Audience.CUSTOMER
              else set(STAFF_ROLES))
    members = [ctx.event.actor.user_id]
    for member, role in await ctx.tx.projects.members(project.id):
        if role not in wanted:
            continue
        for identity in await ctx.tx.people.identities_of(member.id):
            if identity.platform == ctx.platform and identity.external_id not in members:
                members.append(identity.external_id)
    return members
