"""合同 P-001 HT-2026-001 金额 1280万 签订 2026-11-20 · 合同 P-001 (the contract and its schedule) ·
付款节点 P-001 进度款 30% 于 主体结构封顶 后 30天 · 付款节点 P-001 预付款 128万 于 2026-12-10 ·
付款节点 删除 P-001 进度款."""
from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from domain.enums import PaymentKind
from domain.errors import InvalidInput
from domain.finance import contracts
from domain.finance.contracts import NewContract, NewPayment
from domain.finance.money import parse_money
from domain.people import project_by_code
from domain.store.models import Project
from handlers.chat.context import Ctx
from handlers.setup.cards import project_key
from handlers.setup.contract_cards import contract_card
from handlers.setup.people import staff_here
from handlers.setup.words import REMOVE, clean, pairs, parse_date, parse_days, project_code

CONTRACT_KEYS = {"金额": "value", "合同额": "value", "签订": "signed", "签订日期": "signed", "签约": "signed",
                 "名称": "title", "value": "value", "amount": "value", "signed": "signed", "title": "title"}
_KINDS = (("预付", PaymentKind.ADVANCE), ("进度", PaymentKind.PROGRESS), ("结算", PaymentKind.SETTLEMENT),
          ("质保", PaymentKind.RETENTION), ("advance", PaymentKind.ADVANCE),
          ("settlement", PaymentKind.SETTLEMENT), ("retention", PaymentKind.RETENTION))
_PAYMENT = re.compile(r"^(?P<name>.+?)\s+(?P<amount>\S+)\s+(?:于|在|due)\s*(?P<when>.+)$", re.IGNORECASE)
_AFTER = re.compile(r"^(?P<milestone>.+?)\s*(?:后|之后|after)\s*(?P<days>\S*)$", re.IGNORECASE)
_CONTRACT_OPTION = re.compile(r"(?:^|\s)合同\s*[:：]?\s*(\S+)")


async def _project(ctx: Ctx, words: list[str]) -> tuple[Project | None, list[str]]:
    code = project_code(words[0]) if words else None
    if code is not None:
        return await project_by_code(ctx.tx, code), words[1:]
    return ctx.project, words


async def contract(ctx: Ctx, args: str) -> None:
    if not await staff_here(ctx):
        return
    project, rest = await _project(ctx, args.split())
    if project is None:
        ctx.say(ctx.t("setup.contract.usage"))
        return
    if not rest:
        ctx.show(await contract_card(ctx.tx, ctx.deps, project, ctx.locale))
        return
    found, lead = pairs(rest[1:], CONTRACT_KEYS)
    if lead:
        raise InvalidInput("setup.contract.usage")
    today = ctx.now.astimezone(ctx.deps.timezone).date()
    new = NewContract(number=clean(rest[0]),
                      value=parse_money(found["value"]) if "value" in found else None,
                      signed_on=parse_date(found["signed"], today) if "signed" in found else None,
                      title=found.get("title"))
    saved, created = await contracts.set_contract(ctx.tx, ctx.person, project, new, ctx.now)
    ctx.say(ctx.t("setup.contract.created" if created else "setup.contract.updated",
                  number=saved.number, code=project.code))
    await _shown(ctx, project)


async def payments(ctx: Ctx, args: str) -> None:
    if not await staff_here(ctx):
        return
    words = args.split()
    remove = bool(words) and words[0].lower() in REMOVE
    project, rest = await _project(ctx, words[1:] if remove else words)
    if project is None:
        ctx.say(ctx.t("setup.pay.usage"))
        return
    text = " ".join(rest)
    chosen = _CONTRACT_OPTION.search(text)
    number = chosen.group(1) if chosen else None
    text = (text[:chosen.start()] + text[chosen.end():]).strip() if chosen else text
    if remove:
        if not text:
            raise InvalidInput("setup.pay.usage")
        gone = await contracts.remove_payment(ctx.tx, ctx.person, project, text, number, ctx.now)
        ctx.say(ctx.t("setup.pay.removed", name=gone.name))
    elif not text:
        ctx.show(await contract_card(ctx.tx, ctx.deps, project, ctx.locale))
        return
    else:
        today = ctx.now.astimezone(ctx.deps.timezone).date()
        milestone = await contracts.add_payment(ctx.tx, ctx.person, project,
                                                parse_payment(text, today, number), ctx.now)
        ctx.say(ctx.t("setup.pay.added", name=milestone.name, code=project.code))
    await _shown(ctx, project)


async def _shown(ctx: Ctx, project: Project) -> None:
    ctx.show(await contract_card(ctx.tx, ctx.deps, project, ctx.locale))
    ctx.changed(project_key(project.id))


def parse_payment(text: str, today: date, contract_number: str | None) -> NewPayment:
    match = _PAYMENT.match(clean(text))
    if not match:
        raise InvalidInput("setup.pay.usage")
    name = match["name"].strip()
    kind = next((k for word, k in _KINDS if word in name.lower()), PaymentKind.PROGRESS)
    amount, percent = _amount(match["amount"])
    when = match["when"].strip()
    after = _AFTER.match(when)
    due, trigger, offset = None, None, 0
    if after:
        trigger = after["milestone"].strip()
        offset = parse_days(after["days"]) if after["days"] else 0
        if offset is None:
            raise InvalidInput("setup.pay.bad_days", word=after["days"])
    elif re.match(r"^\d", when):
        due = parse_date(when, today)
    else:
        trigger = when   # "于 主体结构封顶": due the day it is reached
    return NewPayment(name=name, kind=kind, amount=amount, percent=percent, due_date=due,
                      trigger=trigger, offset_days=offset, contract=contract_number)


def _amount(word: str) -> tuple[Decimal | None, Decimal | None]:
    text = clean(word)
    if text.endswith("%"):
        try:
            percent = Decimal(text[:-1])
        except InvalidOperation:
            raise InvalidInput("setup.pay.bad_percent_word", word=word) from None
        if not percent.is_finite():
            raise InvalidInput("setup.pay.bad_percent_word", word=word)
        return None, percent
    return parse_money(text), None
