"""Reading a change from chat text: `工期调整 +15天 原因：…`, `预算增补 +120000 …`,
`设计变更 +3万 +5天 …`. Numbers come first (any order), the rest is the reason."""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from domain.enums import ChangeKind
from domain.errors import InvalidInput

KIND_WORDS: dict[str, ChangeKind] = {
    "工期调整": ChangeKind.SCHEDULE, "工期变更": ChangeKind.SCHEDULE, "工期": ChangeKind.SCHEDULE,
    "延期": ChangeKind.SCHEDULE, "schedule": ChangeKind.SCHEDULE,
    "预算增补": ChangeKind.BUDGET, "预算变更": ChangeKind.BUDGET, "预算": ChangeKind.BUDGET,
    "增补": ChangeKind.BUDGET, "费用": ChangeKind.BUDGET, "budget": ChangeKind.BUDGET,
    "设计变更": ChangeKind.DESIGN, "设计": ChangeKind.DESIGN, "design": ChangeKind.DESIGN,
}
_KINDS = sorted(KIND_WORDS, key=len, reverse=True)   # "工期调整" before "工期"

_END = r"(?=\s|$|[，,;；。])"
_DAYS = re.compile(r"^([+-]?)\s*(\d{1,6})\s*(?:个?工作?日|天|日|days?|d)" + _END, re.IGNORECASE)
_MONEY = re.compile(r"^([+-]?)\s*([¥￥]?)\s*(\d[\d,]*(?:\.\d+)?)\s*(万元|万|元|w|yuan|rmb)?" + _END,
                    re.IGNORECASE)
_REASON = re.compile(r"^(?:原因|理由|说明|reason|because)\s*[:：]?\s*", re.IGNORECASE)
_TEN_THOUSAND = {"万", "万元", "w"}


@dataclass(frozen=True)
class ParsedChange:
    kind: ChangeKind
    cost: Decimal | None
    days: int | None
    reason: str


def parse_change(text: str) -> ParsedChange | None:
    """None when the text names no kind of change (the caller shows how to write one)."""
    text = text.strip()
    lowered = text.lower()
    word = next((w for w in _KINDS if lowered.startswith(w)), None)
    if word is None:
        return None
    kind, rest = KIND_WORDS[word], text[len(word):].lstrip(" :：，,")
    cost: Decimal | None = None
    days: int | None = None
    for _ in range(2):
        if days is None and (match := _DAYS.match(rest)):
            days = int(match.group(2)) * (-1 if match.group(1) == "-" else 1)
        elif cost is None and (match := _MONEY.match(rest)) and _is_money(kind, match):
            cost = _amount(match)
        else:
            break
        rest = rest[match.end():].lstrip(" ，,;；")
    _refuse_words_for_numbers(kind, cost, days, rest)
    return ParsedChange(kind, cost, days, reason_text(rest))


def reason_text(text: str) -> str:
    """"原因：甲方要求…" -> "甲方要求…"."""
    return _REASON.sub("", text.strip(" ：:，,"), count=1).strip()


def _is_money(kind: ChangeKind, match: re.Match[str]) -> bool:
    """A bare number is an amount in a budget change; elsewhere ("设计变更 3 处节点") it needs
    a sign, ¥ or a unit to be read as money."""
    return kind is ChangeKind.BUDGET or any(match.group(i) for i in (1, 2, 4))


def _amount(match: re.Match[str]) -> Decimal:
    try:
        value = Decimal(match.group(3).replace(",", ""))
    except InvalidOperation:
        raise InvalidInput("change.error.cost_not_number", value=match.group(0).strip()) from None
    if (match.group(4) or "").lower() in _TEN_THOUSAND:
        value *= 10000
    return -value if match.group(1) == "-" else value


def _refuse_words_for_numbers(kind: ChangeKind, cost: Decimal | None, days: int | None,
                              rest: str) -> None:
    """"+十五天" or "一百万" where a number belongs: say it must be digits, don't guess."""
    token = rest.split(maxsplit=1)[0] if rest.split() else ""
    if not token or _REASON.match(token):
        return
    attempt = token[0] in "+-¥￥" or any(c.isdigit() for c in token)
    if kind is ChangeKind.SCHEDULE and days is None and (attempt or token.endswith(("天", "日"))):
        raise InvalidInput("change.error.days_not_number", value=token)
    if kind is ChangeKind.BUDGET and cost is None and (attempt or token.endswith(("元", "万"))):
        raise InvalidInput("change.error.cost_not_number", value=token)
