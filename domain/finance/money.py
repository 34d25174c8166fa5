"""Amounts the way people type them: `20万`, `200000`, `¥200,000.00`, `1.5万元`, `RMB 3千`,
full-width digits and punctuation. Parsed exactly into Decimal yuan with two places."""
from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

from domain.errors import InvalidInput

CENT = Decimal("0.01")
# Above any single construction payment; catches a typo like an extra 万.
MAX_AMOUNT = Decimal("100000000000")  # 1000 亿

_UNITS = {"": 1, "千": 1000, "k": 1000, "万": 10_000, "w": 10_000, "亿": 100_000_000}
_PREFIX = re.compile(r"^(?:¥|￥|rmb|cny)\s*", re.IGNORECASE)
_SUFFIX = re.compile(r"\s*(?:元|块|rmb|cny)$", re.IGNORECASE)
_NUMBER = re.compile(r"^(?P<sign>[-+−]?)\s*(?P<int>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<frac>\d+))?"
                     r"\s*(?P<unit>千|k|万|w|亿)?$", re.IGNORECASE)


def normalise(text: str) -> str:
    """Full-width digits, commas, dots and the yen sign to their ASCII forms (NFKC), and
    the Chinese comma 、/，and 。 seen in amounts to , and ."""
    text = unicodedata.normalize("NFKC", text).strip()
    return text.replace("，", ",").replace("。", ".").replace(" ", "")


def parse_money(text: str) -> Decimal:
    """The amount in yuan, exact to the fen. Raises InvalidInput with a wording key on
    anything that is not one clear positive amount."""
    raw = text
    text = normalise(text)
    text = _SUFFIX.sub("", _PREFIX.sub("", text))
    # "¥-5" and "-¥5" both mean a negative amount.
    if text[:1] in "-−" and _PREFIX.match(text[1:] or "x"):
        text = "-" + _PREFIX.sub("", text[1:])
    match = _NUMBER.match(text)
    if not match:
        raise InvalidInput("finance.money.bad", text=raw.strip()[:30])
    digits = match["int"].replace(",", "") + "." + (match["frac"] or "0")
    try:
        value = Decimal(digits) * _UNITS[(match["unit"] or "").lower()]
    except (InvalidOperation, KeyError):
        raise InvalidInput("finance.money.bad", text=raw.strip()[:30]) from None
    if match["sign"] in ("-", "−"):
        value = -value
    if value <= 0:
        raise InvalidInput("finance.money.not_positive", text=raw.strip()[:30])
    if value > MAX_AMOUNT:  # checked first: quantize() refuses numbers beyond the context
        raise InvalidInput("finance.money.too_large", text=raw.strip()[:30])
    if value != value.quantize(CENT):
        raise InvalidInput("finance.money.too_precise", text=raw.strip()[:30])
    return value.quantize(CENT)


def looks_like_money(word: str) -> bool:
    """Cheap check used to split "回款 P-001 20万 备注" into its parts."""
    return bool(re.search(r"\d", normalise(word)))


def format_money(value: Decimal) -> str:
    """¥1,234,567.80 — what every card shows."""
    sign = "-" if value < 0 else ""
    return f"{sign}¥{abs(value).quantize(CENT):,.2f}"


def format_wan(value: Decimal) -> str:
    """A short form for lists: 256万, 1.5万, 3,800元 below ten thousand. Exact, never rounded."""
    if abs(value) < 10_000:
        return f"{value.quantize(CENT):,.2f}".rstrip("0").rstrip(".") + "元"
    wan = (value.quantize(CENT) / 10_000).normalize()   # exact: a fen is 0.000001 万
    return f"{wan:f}万"
