"""Amounts the way people type them: `20万`, `200000`, `¥200,000.00`, `1.5万元`, `RMB 3千`,
full-width digits and punctuation. Parsed exactly into Decimal yuan with two places.

Every amount that becomes a payment passes `checked_amount`, however it came (typed, or
carried back by a button): NaN, Infinity and 1E+999999 are Decimals too."""
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
# An amount at the start of a command's words ("20万 首付", "¥200,000元", "3千块首付"): a
# letter or digit right after it ("1e999999", "3.5万first") makes it no amount at all rather
# than a shorter one (the atomic group never gives a unit or digit back).
_LEADING = re.compile(r"(?>(?:¥|￥|rmb|cny)?\s*[-+−]?\s*\d[\d,.]*(?:\s*[千万亿]|[kw])?(?:\s*[元块]|rmb|cny)?)"
                      r"(?![A-Za-z0-9.,_千万亿元块])", re.IGNORECASE)
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
    return checked_amount(value, raw)


def checked_amount(value: Decimal, text: str | None = None) -> Decimal:
    """`value` to the fen when it is one clear positive amount a payment can be; else
    InvalidInput naming `text` (what the person typed; the value itself when None)."""
    shown = (str(value) if text is None else text).strip()[:30]
    if not value.is_finite():          # NaN, sNaN, Infinity: no comparison is safe with them
        raise InvalidInput("finance.money.bad", text=shown)
    if value <= 0:
        raise InvalidInput("finance.money.not_positive", text=shown)
    if value > MAX_AMOUNT:  # checked first: quantize() refuses numbers beyond the context
        raise InvalidInput("finance.money.too_large", text=shown)
    if value != value.quantize(CENT):
        raise InvalidInput("finance.money.too_precise", text=shown)
    return value.quantize(CENT)


def leading_amount(text: str) -> tuple[Decimal, str] | None:
    """(amount, the words after it) when `text` starts with an amount; None when it does not
    start like one (the caller shows how to write the command). A start that is meant as an
    amount but is not one ("1e999999", "20万万") is refused as such, never read as a smaller
    amount followed by a note."""
    text = unicodedata.normalize("NFKC", text).strip()
    match = _LEADING.match(text)
    if match:
        return parse_money(match.group(0)), text[match.end():].strip()
    word, _, rest = text.partition(" ")
    if looks_like_money(word):   # "-¥5", "1e999999": parse_money says what is wrong with it
        return parse_money(word), rest.strip()
    return None


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
