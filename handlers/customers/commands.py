"""客户 新建 / 客户 <名称> / 客户 联系人 …, and 商机 (the sales funnel) with its card buttons.
Customer data is internal: these commands refuse to answer in a customer group."""
from __future__ import annotations

import re
from datetime import date

from domain.customers import service
from domain.customers.credit import credit_of
from domain.customers.funnel import OPEN_STAGES
from domain.customers.service import NewCustomer
from domain.enums import Audience, CustomerType
from domain.errors import InvalidInput
from domain.finance.ledger import ZERO, receivables
from domain.finance.money import format_money, parse_money
from domain.inputs import record_id
from domain.store.models import Customer
from handlers.chat.cards import Card, Markdown
from handlers.chat.context import Ctx
from handlers.customers.cards import customer_card, opportunity_card

TYPE_WORDS = {"政府": CustomerType.GOVERNMENT, "政府类": CustomerType.GOVERNMENT,
              "开发商": CustomerType.DEVELOPER, "开发商类": CustomerType.DEVELOPER,
              "第三方": CustomerType.THIRD_PARTY, "第三方机构": CustomerType.THIRD_PARTY,
              "第三方机构类": CustomerType.THIRD_PARTY} | {t.value: t for t in CustomerType}
_NEW, _CONTACT = {"新建", "新增", "new", "add"}, {"联系人", "contact"}
_BUDGET = re.compile(r"^(?:预算|budget)[:：]?(.*)$", re.IGNORECASE)
_DATE = re.compile(r"^(?:(\d{4})-)?(\d{1,2})-(\d{1,2})$")


def _internal_only(ctx: Ctx) -> bool:
    if ctx.binding is not None and ctx.binding.audience == Audience.CUSTOMER.value:
        ctx.say(ctx.t("customer.internal_only"))
        return False
    return True


async def customers(ctx: Ctx, args: str) -> None:
    if not _internal_only(ctx):
        return
    words = args.split()
    if words and words[0].lower() in _NEW:
        await _create(ctx, words[1:])
    elif words and words[0].lower() in _CONTACT:
        await _contact(ctx, words[1:])
    elif words:
        await _lookup(ctx, " ".join(words))
    else:
        ctx.say(ctx.t("customer.usage"))


def parse_new_customer(words: list[str]) -> NewCustomer:
    if not words:
        raise InvalidInput("customer.usage")
    name, kind, grade, tags = words[0], None, "B", []
    low = high = None
    rest = iter(words[1:])
    for word in rest:
        budget = _BUDGET.match(word)
        if word in TYPE_WORDS:
            kind = TYPE_WORDS[word]
        elif word.upper() in ("A", "B", "C"):
            grade = word.upper()
        elif word[:1] in "#＃":
            tags += [t for t in re.split(r"[,，、]", word[1:]) if t]
        elif budget:
            span = budget.group(1) or next(rest, "")
            parts = re.split(r"[-~～至到]", span)
            if len(parts) != 2:
                raise InvalidInput("customer.bad_budget")
            low, high = parse_money(parts[0]), parse_money(parts[1])
        else:
            raise InvalidInput("customer.unknown_word", word=word)
    if kind is None:
        raise InvalidInput("customer.need_type")
    return NewCustomer(name, kind, grade, tuple(tags), low, high)


async def _create(ctx: Ctx, words: list[str]) -> None:
    customer = await service.create_customer(ctx.tx, ctx.person, parse_new_customer(words), ctx.now)
    ctx.say(ctx.t("customer.created", name=customer.name))
    await _show(ctx, customer)


async def _lookup(ctx: Ctx, text: str) -> None:
    found = await service.find_customer(ctx.tx, ctx.person, text)
    if len(found) == 1:
        await _show(ctx, found[0])
        return
    lines = [ctx.t("customer.list_line", name=c.name, type=ctx.t(f"customer.types.{c.type}"),
                   grade=c.grade) for c in found]
    ctx.show(Card(ctx.t("customer.matches", count=len(found)), "blue", (Markdown("\n".join(lines)),)))


async def _show(ctx: Ctx, customer: Customer) -> None:
    rows = await receivables(ctx.tx, unpaid_only=False, customer_id=customer.id)
    today = ctx.now.astimezone(ctx.deps.timezone).date()
    outstanding = format_money(sum((r.outstanding for r in rows if r.due and r.due <= today), ZERO))
    ctx.show(customer_card(ctx.deps, ctx.locale, customer,
                           await ctx.tx.customers.contacts_of(customer.id),
                           await ctx.tx.customers.projects_of(customer.id),
                           await ctx.tx.customers.opportunities_of(customer.id),
                           credit_of(rows, today), outstanding))


async def _contact(ctx: Ctx, words: list[str]) -> None:
    """客户 联系人 <客户> <姓名> [电话] [职务]"""
    if len(words) < 2:
        raise InvalidInput("customer.contact_usage")
    found = await service.find_customer(ctx.tx, ctx.person, words[0])
    if len(found) != 1:
        raise InvalidInput("customer.ambiguous", name=words[0], count=len(found))
    phone = next((w for w in words[2:] if re.fullmatch(r"[\d\-+ ]{5,}", w)), None)
    title = next((w for w in words[2:] if w != phone), None)
    await service.add_contact(ctx.tx, ctx.person, found[0], words[1], phone, title, ctx.now)
    ctx.say(ctx.t("customer.contact_added", name=words[1], customer=found[0].name))


def _follow_date(word: str, today: date) -> date:
    match = _DATE.match(word)
    if not match:
        raise InvalidInput("opportunity.bad_date", word=word)
    try:
        return date(int(match.group(1) or today.year), int(match.group(2)), int(match.group(3)))
    except ValueError:
        raise InvalidInput("opportunity.bad_date", word=word) from None


async def opportunities(ctx: Ctx, args: str) -> None:
    """商机 新建 <客户> <标题> [金额] [跟进 12-01] ｜ 商机 <编号> ｜ 商机"""
    if not _internal_only(ctx):
        return
    words = args.split()
    if words and words[0].lower() in _NEW:
        await _open(ctx, words[1:])
    elif words and words[0].lstrip("#Oo-").isdigit():
        number = record_id(words[0].lstrip("#Oo-"))   # 商机 99999999999999999999: not found
        card = await opportunity_card(ctx.tx, ctx.deps, str(number), ctx.locale) if number else None
        if card is None:
            raise InvalidInput("opportunity.not_found", number=words[0])
        ctx.show(card)
    else:
        await _funnel(ctx)


async def _open(ctx: Ctx, words: list[str]) -> None:
    if len(words) < 2:
        raise InvalidInput("opportunity.usage")
    found = await service.find_customer(ctx.tx, ctx.person, words[0])
    if len(found) != 1:
        raise InvalidInput("customer.ambiguous", name=words[0], count=len(found))
    today = ctx.now.astimezone(ctx.deps.timezone).date()
    title, amount, follow = [], None, None
    rest = iter(words[1:])
    for word in rest:
        if word in ("跟进", "follow-up", "follow"):
            follow = _follow_date(next(rest, ""), today)
        elif title and amount is None and any(ch.isdigit() for ch in word):
            amount = parse_money(word)
        else:
            title.append(word)
    opportunity = await service.open_opportunity(ctx.tx, ctx.person, found[0], " ".join(title),
                                                 amount, follow, ctx.now)
    ctx.show(await opportunity_card(ctx.tx, ctx.deps, str(opportunity.id), ctx.locale))


async def _funnel(ctx: Ctx) -> None:
    await service.require_view(ctx.tx, ctx.person)
    rows = await ctx.tx.customers.open_opportunities()
    lines = []
    for stage in OPEN_STAGES:
        items = [o for o in rows if o.stage == stage.value]
        total = sum((o.amount for o in items if o.amount is not None), ZERO)
        lines.append(ctx.t("opportunity.funnel_line", stage=ctx.t(f"opportunity.stage.{stage}"),
                           count=len(items), amount=format_money(total)))
        lines += [ctx.t("opportunity.funnel_item", number=o.id, title=o.title) for o in items]
    ctx.show(Card(ctx.t("opportunity.funnel_title"), "blue", (Markdown("\n".join(lines)),)))
