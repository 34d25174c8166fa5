"""回款 P-001 20万 [备注] (record a payment, with a picker when the milestone is ambiguous and a
confirmation for overpayment) and 应收 [P-001] (receivables with ageing, in the asker's scope)."""
from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from domain.enums import Audience
from domain.errors import NotFound
from domain.finance.ledger import Receivable, ageing, receivables
from domain.finance.money import format_money, leading_amount
from domain.finance.payments import (AlreadyRecorded, ChooseMilestone, ConfirmOverpayment,
                                     Recorded, record_payment)
from domain.finance.scope import receivable_scope
from domain.store.models import Project
from handlers.chat.cards import Button, Card, Markdown
from handlers.chat.context import Ctx
from handlers.chat.contract import Target, Text
from handlers.finance.cards import day, every_key, payment_card
from handlers.finance.receivables import receivables_card

_CODE = re.compile(r"^P-?\d+$", re.IGNORECASE)


async def project_from_words(ctx: Ctx, words: list[str]) -> tuple[Project | None, list[str]]:
    """The project a command names (P-001), suggesting the closest code when it is unknown;
    else the chat's project."""
    code = next((w for w in words if _CODE.match(w)), None)
    if code is None:
        return ctx.project, words
    rest = [w for w in words if w is not code]
    normal = code.upper() if "-" in code else f"P-{code[1:]}"
    project = await ctx.tx.projects.by_code(normal)
    if project is None:
        import difflib   # here: an unknown code is rare, and difflib costs start-up ~20 ms
        codes = [p.code for p in await ctx.tx.projects.all()]
        close = difflib.get_close_matches(normal.upper(), codes, n=1, cutoff=0.5)
        if close:
            raise NotFound("finance.pay.unknown_project_close", code=normal.upper(), close=close[0])
        raise NotFound("error.project_not_found", code=normal.upper(), codes=", ".join(codes))
    return project, rest


async def record(ctx: Ctx, args: str) -> None:
    """回款 [P-001] <金额> [备注]"""
    project, rest = await project_from_words(ctx, args.split())
    found = leading_amount(" ".join(rest))
    if project is None or found is None:
        ctx.say(ctx.t("finance.pay.usage"))
        return
    amount, note = found[0], found[1] or None
    ref = f"{ctx.platform}:{ctx.event.event_id}"
    await record_chosen(ctx, project, amount, ref, note, None, False)


async def record_chosen(ctx: Ctx, project: Project, amount: Decimal, ref: str, note: str | None,
                milestone_id: int | None, confirm: bool) -> None:
    outcome = await record_payment(ctx.tx, ctx.person, project, amount, now=ctx.now,
                                   today=ctx.now.astimezone(ctx.deps.timezone).date(), ref=ref,
                                   milestone_id=milestone_id, confirm_over=confirm, note=note)
    value = {"p": project.id, "a": str(amount), "r": ref, "n": note or ""}
    if isinstance(outcome, AlreadyRecorded):
        ctx.toast(ctx.t("finance.pay.already_recorded"))
        if not ctx.is_click:
            ctx.say(ctx.t("finance.pay.already_recorded"))
    elif isinstance(outcome, ChooseMilestone):
        today = ctx.now.astimezone(ctx.deps.timezone).date()
        buttons = tuple(Button(ctx.t("finance.pick.option", name=r.milestone.name,
                                     outstanding=format_money(r.outstanding), overdue=r.days_overdue(today),
                                     due=day(r.due) if r.due else ""), "payment.pick",
                               {**value, "m": r.milestone.id}) for r in due_first(outcome.options, today))
        ctx.show(Card(ctx.t("finance.pick.title"), "blue", (Markdown(ctx.t(
            "finance.pick.body", code=project.code, amount=format_money(amount))),), buttons))
        ctx.toast(ctx.t("finance.pick.toast"))
    elif isinstance(outcome, ConfirmOverpayment):
        m = outcome.target.milestone
        ctx.show(Card(ctx.t("finance.over.title"), "orange", (Markdown(ctx.t(
            "finance.over.body", name=m.name, outstanding=format_money(outcome.target.outstanding),
            amount=format_money(amount), excess=format_money(outcome.excess))),),
            (Button(ctx.t("finance.over.confirm"), "payment.confirm", {**value, "m": m.id}, "danger"),
             Button(ctx.t("finance.over.cancel"), "payment.cancel", {}))))
        ctx.toast(ctx.t("finance.over.toast"), "warning")
    else:
        await announce_recorded(ctx, outcome)


def due_first(rows: list[Receivable], today: date) -> list[Receivable]:
    """The picker's order (issue 16): the most overdue first, then those due soonest, then the
    milestones not reached yet (no due date) in the schedule's order."""
    return sorted(rows, key=lambda r: (r.due is None, -r.days_overdue(today), r.due or today))


async def announce_recorded(ctx: Ctx, outcome: Recorded) -> None:
    """What a recorded payment sets off (also when the open API recorded it, bot/api/payments.py)."""
    row = outcome.after
    ctx.show(await payment_card(ctx.tx, ctx.deps, str(row.milestone.id), ctx.locale))
    ctx.toast(ctx.t("finance.pay.toast", amount=format_money(outcome.payment.amount)), "success")
    for key in every_key(ctx.deps, row.milestone.id):
        ctx.changed(key)
    # The customer group is thanked (their own amount only); not the chat we are answering in.
    for binding in await ctx.tx.projects.bindings(project_id=row.project.id):
        here = (binding.platform, binding.chat_id) == (ctx.platform, ctx.event.conversation.chat_id)
        if binding.audience != Audience.CUSTOMER.value or here:
            continue
        locale = ctx.deps.default_locale
        text = ctx.deps.t(locale, "finance.pay.thanks", amount=format_money(outcome.payment.amount),
                          milestone=row.milestone.name, project=row.project.name)
        ctx.post(Target(binding.platform, "chat", binding.chat_id), Text(text),
                 f"thanks:{binding.id}", locale)


async def show_receivables(ctx: Ctx, args: str) -> None:
    """应收 [P-001]: a customer group only ever sees its own project."""
    project, _ = await project_from_words(ctx, args.split())
    explicit = any(_CODE.match(w) for w in args.split())
    customer_chat = ctx.binding is not None and ctx.binding.audience == Audience.CUSTOMER.value
    if customer_chat:
        project = ctx.project
    elif not explicit:
        project = None
    scope = await receivable_scope(ctx.tx, ctx.person, project)
    rows = await receivables(ctx.tx, unpaid_only=True, project_ids=scope)
    today = ctx.now.astimezone(ctx.deps.timezone).date()
    label = project.code if project else (ctx.t("finance.ar.all") if scope is None
                                          else ctx.t("finance.ar.mine"))
    ctx.show(receivables_card(ctx.deps, ctx.locale, ageing(rows, today), label))
