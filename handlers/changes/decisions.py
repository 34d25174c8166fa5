"""What happens once a change is decided or withdrawn, whether by a typed command or a card
button: the next approver gets the card, the requester is told, the group hears the outcome."""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from domain.changes import service
from domain.changes.service import Decision, number
from domain.enums import Audience
from domain.errors import DomainError
from domain.store.models import ChangeRequest
from handlers.changes.cards import change_card, change_key, effect_text
from handlers.changes.customer_news import tell_customers
from handlers.chat.contract import Target, Text
from handlers.chat.context import Ctx


async def decide(ctx: Ctx, change_id: int, seq: int | None, approve: bool, reason: str | None) -> None:
    with role_names(ctx):
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
        await send_to_current_approver(ctx, change)
    requester = await ctx.tx.people.get(change.requester_id)
    text = _outcome_text(ctx, change, decision, requester.locale or ctx.deps.default_locale)
    await ctx.notify(requester, Text(text), key="requester")
    if decision.final:
        await post_to_group(ctx, change, card=False, reason=decision.step.reason or "")
        await tell_customers(ctx, change)


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


async def withdraw(ctx: Ctx, change_id: int) -> None:
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


async def send_to_current_approver(ctx: Ctx, change: ChangeRequest) -> None:
    steps = await ctx.tx.changes.steps(change.id)
    current = service.current_step(change, steps)
    if current is None:
        return
    approver = await ctx.tx.people.get(current.approver_id)
    card = await change_card(ctx.tx, ctx.deps, str(change.id), approver.locale)
    if not await ctx.notify(approver, card, key=f"approver:{current.seq}"):
        ctx.say(ctx.t("change.approver_unreachable", name=approver.name))


async def post_to_group(ctx: Ctx, change: ChangeRequest, *, card: bool, reason: str = "") -> None:
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
        ctx.post(Target(binding.platform, "chat", binding.chat_id), body, f"group:{binding.id}",
                 locale)


def _group_outcome(ctx: Ctx, change: ChangeRequest, locale: str, reason: str) -> str:
    text = ctx.deps.t(locale, f"change.group.{change.status}", number=number(change.id),
                      title=change.title, name=ctx.person.name, reason=reason)
    return text + ("\n" + effect_text(ctx.deps, locale, change.effect) if change.effect else "")


@contextmanager
def role_names(ctx: Ctx) -> Iterator[None]:
    """The domain names roles by code; people read them in their language."""
    try:
        yield
    except DomainError as error:
        if "role" in error.params:
            error.params["role"] = ctx.t(f"role.{error.params['role']}")
        raise
