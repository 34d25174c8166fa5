"""Change commands (变更, 审批 待办, 同意 / 驳回 / 撤回 C-7) and the approval card's buttons.

驳回 needs a reason and a button cannot carry free text on every platform, so pressing 驳回
checks that the presser may decide and then asks for `驳回 C-7 原因…`; the typed command makes
the decision. 同意 decides at once.
"""
from __future__ import annotations

import re
from contextlib import contextmanager
from typing import Iterator

from domain.changes import service
from domain.changes.service import Decision, NewChange, number
from domain.enums import Audience
from domain.errors import DomainError, InvalidInput
from domain.store.models import ChangeRequest, Project
from handlers.change_cards import change_card, change_key, change_list_card, effect_text
from handlers.change_parse import parse_change, reason_text
from handlers.contract import Outgoing, Target, Text
from handlers.context import Ctx
from handlers.scope import project_for

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
    with _role_names(ctx):
        created = await service.raise_change(ctx.tx, ctx.deps.changes, ctx.person, project, new,
                                             ctx.now, ctx.origin)
    ctx.show(await change_card(ctx.tx, ctx.deps, str(created.id), ctx.locale))
    await _post_to_group(ctx, created, card=True)
    await _send_to_current_approver(ctx, created)


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
    await _decide(ctx, change_id, None, True, reason_text(_NUMBER.sub("", args, count=1)))


async def reject_cmd(ctx: Ctx, args: str) -> None:
    if _chatter(ctx, args):
        return
    change_id = _change_id(args, usage="change.reject_usage")
    await _decide(ctx, change_id, None, False, reason_text(_NUMBER.sub("", args, count=1)))


async def withdraw_cmd(ctx: Ctx, args: str) -> None:
    if _chatter(ctx, args):
        return
    await _withdraw(ctx, _change_id(args, usage="change.withdraw_usage"))


async def on_approve(ctx: Ctx, value: dict) -> None:
    await _decide(ctx, _button_id(value), _button_step(value), True, None)


async def on_reject(ctx: Ctx, value: dict) -> None:
    """Check the presser may decide this step now, then ask for the reason."""
    change_id, seq = _button_id(value), _button_step(value)
    with _role_names(ctx):
        await service.check_decision(ctx.tx, ctx.person, change_id, seq)
    ctx.toast(ctx.t("change.toast.reason_please", number=number(change_id)))
    ctx.say(ctx.t("change.reject_prompt", number=number(change_id)))


async def on_withdraw(ctx: Ctx, value: dict) -> None:
    await _withdraw(ctx, _button_id(value))


async def _decide(ctx: Ctx, change_id: int, seq: int | None, approve: bool, reason: str | None) -> None:
    with _role_names(ctx):
        decision = await service.decide(ctx.tx, ctx.person, change_id, seq, approve, reason,
                                        ctx.now, ctx.origin)
    key = "approved" if approve else "rejected"
    if ctx.is_click:
        ctx.toast(ctx.t(f"change.toast.{key}", number=number(change_id)), "success")
    else:
        ctx.say(ctx.t(f"change.toast.{key}", number=number(change_id)))
    ctx.changed(change_key(change_id))
    await _after_decision(ctx, decision)


async def _after_decision(ctx: Ctx, decision: Decision) -> None:
    """Next approver gets the card; the requester is told every step; the group the outcome."""
    change = decision.change
    if decision.next_step is not None:
        await _send_to_current_approver(ctx, change)
    requester = await ctx.tx.people.get(change.requester_id)
    text = _outcome_text(ctx, change, decision, requester.locale or ctx.deps.default_locale)
    await ctx.notify(requester, Text(text), key="requester")
    if decision.final:
        await _post_to_group(ctx, change, card=False, reason=decision.step.reason or "")


def _outcome_text(ctx: Ctx, change: ChangeRequest, decision: Decision, locale: str) -> str:
    who = ctx.person.name
    if decision.next_step is not None:
        return ctx.deps.t(locale, "change.told.step", number=number(change.id), name=who,
                          seq=decision.step.seq)
    text = ctx.deps.t(locale, f"change.told.{change.status}", number=number(change.id), name=who,
                      title=change.title, reason=decision.step.reason or "")
    if change.effect:
        text += "\n" + effect_text(ctx.deps, locale, change.effect)
    return text


async def _withdraw(ctx: Ctx, change_id: int) -> None:
    steps_before = await ctx.tx.changes.steps(change_id)
    withdrawn = await service.withdraw(ctx.tx, ctx.person, change_id, ctx.now, ctx.origin)
    text = ctx.t("change.toast.withdrawn", number=number(change_id))
    if ctx.is_click:
        ctx.toast(text, "success")
    else:
        ctx.say(text)
    ctx.changed(change_key(change_id))
    current = next((s for s in steps_before if s.activated_at and s.status == "pending"), None)
    if current is not None:
        approver = await ctx.tx.people.get(current.approver_id)
        await ctx.notify(approver, Text(ctx.deps.t(approver.locale, "change.told.withdrawn",
                                                   number=number(withdrawn.id), name=ctx.person.name,
                                                   title=withdrawn.title, reason="")), key="approver")


async def _send_to_current_approver(ctx: Ctx, change: ChangeRequest) -> None:
    steps = await ctx.tx.changes.steps(change.id)
    current = service.current_step(change, steps)
    if current is None:
        return
    approver = await ctx.tx.people.get(current.approver_id)
    card = await change_card(ctx.tx, ctx.deps, str(change.id), approver.locale)
    if not await ctx.notify(approver, card, key=f"approver:{current.seq}"):
        ctx.say(ctx.t("change.approver_unreachable", name=approver.name))


async def _post_to_group(ctx: Ctx, change: ChangeRequest, *, card: bool, reason: str = "") -> None:
    """The project's internal group(s) get the card when a change is raised (not again where it
    was raised) and a line when it is decided."""
    here = (ctx.platform, ctx.event.conversation.chat_id)
    locale = ctx.deps.default_locale
    for binding in await ctx.tx.projects.bindings(project_id=change.project_id):
        if binding.audience != Audience.INTERNAL.value:
            continue
        if card and (binding.platform, binding.chat_id) == here:
            continue
        body = (await change_card(ctx.tx, ctx.deps, str(change.id), locale) if card else
                Text(_group_outcome(ctx, change, locale, reason)))
        ctx.reply.messages.append(Outgoing(Target(binding.platform, "chat", binding.chat_id), body,
                                           None, locale, f"group:{binding.id}"))


def _group_outcome(ctx: Ctx, change: ChangeRequest, locale: str, reason: str) -> str:
    text = ctx.deps.t(locale, f"change.group.{change.status}", number=number(change.id),
                      title=change.title, name=ctx.person.name, reason=reason)
    return text + ("\n" + effect_text(ctx.deps, locale, change.effect) if change.effect else "")


async def _project(ctx: Ctx, args: str) -> tuple[Project, str]:
    project, rest, choices = await project_for(ctx, args)
    if project is None:
        raise InvalidInput("change.error.which_project",
                           codes=" / ".join(p.code for p in choices) or "-")
    return project, rest


@contextmanager
def _role_names(ctx: Ctx) -> Iterator[None]:
    """The domain names roles by code; people read them in their language."""
    try:
        yield
    except DomainError as error:
        if "role" in error.params:
            error.params["role"] = ctx.t(f"role.{error.params['role']}")
        raise


def _chatter(ctx: Ctx, args: str) -> bool:
    """"同意这个方案" said in a group, not to the bot, is conversation, not a command."""
    return not _NUMBER.match(args) and not ctx.message.addressed


def _change_id(args: str, usage: str = "change.usage") -> int:
    match = _NUMBER.match(args)
    if not match:
        raise InvalidInput(usage)
    return int(match.group(1))


def _button_id(value: dict) -> int:
    try:
        return int(value["change"])
    except (KeyError, TypeError, ValueError):
        raise InvalidInput("error.stale_button") from None


def _button_step(value: dict) -> int | None:
    try:
        return int(value["step"])
    except (KeyError, TypeError, ValueError):
        raise InvalidInput("error.stale_button") from None
