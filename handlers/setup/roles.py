"""角色 添加 @钱会计 财务 · 角色 移除 @钱会计 财务 · 角色 (who holds which org-wide role)."""
from __future__ import annotations

from domain import org_roles
from domain.errors import InvalidInput
from domain.store.repos.setup import setup_repo
from handlers.chat.cards import Card, Markdown, Note
from handlers.chat.context import Ctx
from handlers.setup.people import mentioned, named
from handlers.setup.words import ADD, REMOVE, role_word


async def roles(ctx: Ctx, args: str) -> None:
    words = args.split()
    verb = words[0].lower() if words else ""
    if verb in ADD or verb in REMOVE:
        await _change(ctx, words[1:], grant=verb in ADD)
    elif not words or verb in {"列表", "list"}:
        await _list(ctx)
    else:
        ctx.say(ctx.t("roles.usage"))


async def _change(ctx: Ctx, words: list[str], grant: bool) -> None:
    role_words = [w for w in words if not w.startswith(("@", "＠")) and role_word(w)]
    if len(role_words) != 1:
        unknown = next((w for w in words if not w.startswith(("@", "＠"))), "")
        raise InvalidInput("roles.bad_role" if unknown and not role_words else "roles.usage",
                           word=unknown)
    role = role_word(role_words[0])
    people = await mentioned(ctx)
    if not people:
        names = [w for w in words if w not in role_words]
        if len(names) != 1:
            raise InvalidInput("roles.usage")
        people = [await named(ctx, names[0], "roles.usage")]
    change = org_roles.grant if grant else org_roles.revoke
    role_name = ctx.t(f"role.{role.value}")
    for person in people:
        done = await change(ctx.tx, ctx.person, person, role, ctx.now, ctx.platform)
        key = ("roles.granted" if done else "roles.had") if grant else (
            "roles.revoked" if done else "roles.not_held")
        ctx.say(ctx.t(key, name=person.name, role=role_name))


async def _list(ctx: Ctx) -> None:
    held = await org_roles.holders(ctx.tx, ctx.person)
    none = ctx.t("roles.nobody")
    lines = [ctx.t("roles.line", role=ctx.t(f"role.{h.role.value}"),
                   people=ctx.t("list.join", items=[p.name for p in h.people]) or none) for h in held]
    admins = await setup_repo(ctx.tx).admins()
    lines.append(ctx.t("roles.line", role=ctx.t("roles.admin"),
                       people=ctx.t("list.join", items=[p.name for p in admins]) or none))
    ctx.show(Card(ctx.t("roles.title"), "blue", (Markdown("\n".join(lines)), Note(ctx.t("roles.note")))))
