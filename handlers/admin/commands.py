"""Access from chat: bind a chat to a project, manage project members, "who am I"."""
from __future__ import annotations

import re

from domain import people
from domain.enums import Audience
from domain.errors import InvalidInput
from domain.store.models import Person
from handlers.chat.cards import Card, Markdown
from handlers.chat.context import Ctx
from handlers.admin import rebind
from handlers.chat.roles import parse_role

_CODE = re.compile(r"^P-\d+$", re.IGNORECASE)
_CUSTOMER_WORDS = {"客户", "客户群", "外部", "customer", "external"}
_INTERNAL_WORDS = {"内部", "内部群", "internal"}


async def bind(ctx: Ctx, args: str) -> None:
    """绑定 P-001 [内部|客户]"""
    words = args.split()
    if not words or not _CODE.match(words[0]):
        ctx.say(ctx.t("bind.usage"))
        return
    audience = Audience.INTERNAL
    if len(words) > 1:
        if words[1].lower() in _CUSTOMER_WORDS:
            audience = Audience.CUSTOMER
        elif words[1].lower() not in _INTERNAL_WORDS:
            ctx.say(ctx.t("bind.usage"))
            return
    project = await people.project_by_code(ctx.tx, words[0])
    conv = ctx.event.conversation
    bound = await ctx.tx.projects.binding(conv.platform, conv.chat_id)
    if bound is not None and bound.project_id != project.id:
        await rebind.ask(ctx, bound, project, audience)   # moving a chat: asked first (issue 16)
        return
    await people.bind_chat(ctx.tx, ctx.person, project, conv.platform, conv.chat_id, audience,
                           conv.title, ctx.now)
    ctx.say(ctx.t("bind.done", code=project.code, name=project.name,
                  audience=ctx.t(f"audience.{audience.value}")))


async def members(ctx: Ctx, args: str) -> None:
    """成员 [添加|移除] @某人/姓名 P-001 [角色] — or 成员 P-001 to list."""
    words = args.split()
    verb = words[0].lower() if words else ""
    if verb in {"添加", "加", "add"}:
        await _add(ctx, words[1:])
    elif verb in {"移除", "删除", "remove"}:
        await _remove(ctx, words[1:])
    else:
        await _list(ctx, words[1:] if verb in {"列表", "list"} else words)


def _split(words: list[str]) -> tuple[str | None, list[str]]:
    code = next((w for w in words if _CODE.match(w)), None)
    return code, [w for w in words if w != code]


async def _target(ctx: Ctx, words: list[str]) -> tuple[Person, list[str]]:
    """The person meant: an @-mention (known or not yet known), else a name."""
    mentions = getattr(ctx.event, "mentions", ())
    rest = [w for w in words if not w.startswith("@")]
    if mentions:
        first = mentions[0]
        person = await people.ensure_person(ctx.tx, ctx.platform, first.user_id,
                                            first.name or first.user_id, ctx.now)
        return person, rest
    if not rest:
        raise InvalidInput("members.usage")
    return await people.find_person_by_name(ctx.tx, rest[0].lstrip("@")), rest[1:]


async def _add(ctx: Ctx, words: list[str]) -> None:
    code, words = _split(words)
    project = await people.project_by_code(ctx.tx, code) if code else ctx.project
    if project is None:
        raise InvalidInput("members.usage")
    person, rest = await _target(ctx, words)
    role = parse_role(rest[0]) if rest else None
    if role is None:
        raise InvalidInput("members.bad_role", word=rest[0] if rest else "")
    added = await people.add_member(ctx.tx, ctx.person, project, person, role, ctx.now, ctx.platform)
    key = "members.added" if added else "members.already"
    ctx.say(ctx.t(key, name=person.name, code=project.code, role=ctx.t(f"role.{role.value}")))


async def _remove(ctx: Ctx, words: list[str]) -> None:
    code, words = _split(words)
    project = await people.project_by_code(ctx.tx, code) if code else ctx.project
    if project is None:
        raise InvalidInput("members.usage")
    person, _ = await _target(ctx, words)
    removed = await people.remove_member(ctx.tx, ctx.person, project, person, ctx.now, ctx.platform)
    ctx.say(ctx.t("members.removed" if removed else "members.not_member", name=person.name,
                  code=project.code))


async def _list(ctx: Ctx, words: list[str]) -> None:
    code, _ = _split(words)
    project = await people.project_by_code(ctx.tx, code) if code else ctx.project
    if project is None:
        raise InvalidInput("members.usage")
    rows = await ctx.tx.projects.members(project.id)
    lines = [ctx.t("members.line", name=p.name, role=ctx.t(f"role.{r.value}")) for p, r in rows]
    ctx.show(Card(ctx.t("members.title", code=project.code, name=project.name), "blue",
                  (Markdown("\n".join(lines) or ctx.t("members.none")),)))


async def whoami(ctx: Ctx, args: str) -> None:
    roles = await ctx.tx.projects.memberships_of(ctx.person.id)
    lines = [ctx.t("members.line", name=p.code, role=ctx.t(f"role.{r.value}")) for p, r in roles]
    extra = [ctx.t(f"role.{r}") for r in ctx.person.org_roles or ()]
    if ctx.person.is_admin:
        extra.append(ctx.t("whoami.admin"))
    ctx.say(ctx.t("whoami.text", name=ctx.person.name, org=" · ".join(extra) or "-",
                  projects="\n".join(lines) or ctx.t("whoami.no_projects"),
                  chat=f"{ctx.project.code} {ctx.project.name}" if ctx.project else ctx.t("whoami.unbound")))


async def welcome(ctx: Ctx) -> None:
    """The bot was added to a group: say what it does and how to bind the group."""
    if ctx.project is not None:
        body = ctx.t("welcome.bound", code=ctx.project.code, name=ctx.project.name,
                     audience=ctx.t(f"audience.{ctx.binding.audience}"))
    else:
        body = ctx.t("welcome.unbound")
    ctx.show(Card(ctx.t("welcome.title"), "blue", (Markdown(body),)))
