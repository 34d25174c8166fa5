"""Change commands: 变更 (raise or show), 审批 待办, and 同意 / 驳回 / 撤回 C-7 typed as text.
驳回 by text carries its reason; the card's 驳回 button asks for this command."""
from __future__ import annotations

import re

from domain.changes import service
from domain.changes.service import NewChange, number
from domain.errors import InvalidInput
from domain.store.models import Project
from handlers.changes.cards import change_card, change_list_card
from handlers.changes import end_date
from handlers.changes.decisions import (decide, post_to_group, role_names,
                                        send_to_current_approver, withdraw)
from handlers.changes.parse import parse_change, reason_text
from handlers.chat.context import Ctx
from handlers.chat.scope import project_for

_NUMBER = re.compile(r"^\s*C-?(\d{1,9})\b\s*[:：，,]?\s*", re.IGNORECASE)


async def change(ctx: Ctx, args: str) -> None:
    """变更 <工期调整|预算增补|设计变更> … raises one; 变更 C-7 shows one with its history."""
    if _NUMBER.match(args) and not _NUMBER.sub("", args, count=1).strip():
        await show_change(ctx, _change_id(args))
        return
    project, text = await _project(ctx, args)
    parsed = parse_change(text)
    if parsed is None:
        ctx.say(ctx.t("change.usage"))
        return
    attachments = [{"kind": a.kind, "ref": a.ref, "name": a.name, "platform": ctx.platform}
                   for a in ctx.message.attachments if a.kind in ("image", "file")]
    new = NewChange(parsed.kind, parsed.reason, parsed.cost, parsed.days, attachments)
    with role_names(ctx):
        created = await service.raise_change(ctx.tx, ctx.deps.changes, ctx.person, project, new,
                                             ctx.now, ctx.origin)
    ctx.show(await change_card(ctx.tx, ctx.deps, str(created.id), ctx.locale))
    await post_to_group(ctx, created, card=True)
    await send_to_current_approver(ctx, created)


async def show_change(ctx: Ctx, change_id: int) -> None:
    found, _ = await service.visible_change(ctx.tx, ctx.person, change_id)
    ctx.show(await change_card(ctx.tx, ctx.deps, str(found.id), ctx.locale))
    lines = [ctx.t("change.history_title", number=number(found.id))]
    for entry in await ctx.tx.changes.history(number(found.id)):
        actor = await ctx.tx.people.get(entry.actor_id) if entry.actor_id else None
        reason = entry.data.get("reason") if entry.action != "change.raise" else None
        lines.append(ctx.t("change.history_line", time=ctx.deps.local(entry.at),
                           who=actor.name if actor else "sitebot",
                           what=ctx.t(f"change.audit.{entry.action.split('.', 1)[1]}",
                                      step=entry.data.get("step", "")),
                           reason=reason or ""))
    ctx.say("\n".join(lines))


async def approvals(ctx: Ctx, args: str) -> None:
    """审批 [待办] lists; 审批 同意 C-7 / 审批 驳回 C-7 原因 decide."""
    words = args.split(maxsplit=1)
    verb, rest = (words[0].lower(), words[1] if len(words) > 1 else "") if words else ("", "")
    if verb in ("同意", "approve", "通过"):
        await approve_cmd(ctx, rest)
    elif verb in ("驳回", "reject", "拒绝"):
        await reject_cmd(ctx, rest)
    elif verb in ("", "待办", "todo", "pending", "列表", "list"):
        awaiting = await ctx.tx.changes.awaiting(ctx.person.id)
        mine = await ctx.tx.changes.raised_by(ctx.person.id)
        ctx.show(change_list_card(ctx.deps, ctx.locale, awaiting, mine))
    else:
        ctx.say(ctx.t("change.approvals_usage"))


async def approve_cmd(ctx: Ctx, args: str) -> None:
    if _chatter(ctx, args):
        return
    change_id = _change_id(args, usage="change.approve_usage")
    await end_date.approve(ctx, change_id, None, reason_text(_NUMBER.sub("", args, count=1)))


async def reject_cmd(ctx: Ctx, args: str) -> None:
    if _chatter(ctx, args):
        return
    change_id = _change_id(args, usage="change.reject_usage")
    await decide(ctx, change_id, None, False, reason_text(_NUMBER.sub("", args, count=1)))


async def withdraw_cmd(ctx: Ctx, args: str) -> None:
    if _chatter(ctx, args):
        return
    await withdraw(ctx, _change_id(args, usage="change.withdraw_usage"))


async def _project(ctx: Ctx, args: str) -> tuple[Project, str]:
    project, rest, choices = await project_for(ctx, args)
    if project is None:
        raise InvalidInput("change.error.which_project",
                           codes=" / ".join(p.code for p in choices) or "-")
    return project, rest


def _chatter(ctx: Ctx, args: str) -> bool:
    """"同意这个方案" said in a group, not to the bot, is conversation, not a command."""
    return not _NUMBER.match(args) and not ctx.message.addressed


def _change_id(args: str, usage: str = "change.usage") -> int:
    match = _NUMBER.match(args)
    if not match:
        raise InvalidInput(usage)
    return int(match.group(1))
