"""Reading one cell as people fill spreadsheets in: dates typed as text or kept as Excel
dates, whole numbers typed as 30 or 30.0, amounts in any form the money parser of 回款 takes
(1280万, ¥12,800,000.00, or a number cell), and shares as 30% or an Excel percentage (0.3
shown as 30%). A cell that does not read raises BadCell with the wording key that says why."""
from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from domain.errors import DomainError
from domain.finance.money import parse_money

_FULL = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")
_PERCENT = re.compile(r"^(\d+(?:\.\d+)?)\s*[%％]$")
_INT = re.compile(r"^[+]?\d{1,6}(?:\.0+)?$")


class BadCell(Exception):
    def __init__(self, key: str, **params: Any) -> None:
        super().__init__(key)
        self.key, self.params = key, params


def text(value: Any) -> str:
    """The cell as the text it shows: numbers without a trailing .0, full-width folded."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (datetime, date)):
        return (value.date() if isinstance(value, datetime) else value).isoformat()
    return unicodedata.normalize("NFKC", str(value)).strip()


def day(value: Any, column: str) -> date | None:
    if value is None or text(value) == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    match = _FULL.match(text(value))
    if match:
        try:
            return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        except ValueError:
            pass
    raise BadCell("imports.cell.bad_date", column=column, value=text(value)[:30])


def whole(value: Any, column: str, low: int, high: int) -> int | None:
    shown = text(value)
    if shown == "":
        return None
    if not _INT.match(shown) or not low <= int(float(shown)) <= high:
        raise BadCell("imports.cell.bad_number", column=column, value=shown[:30], low=low, high=high)
    return int(float(shown))


def money(value: Any, column: str) -> Decimal | None:
    if value is None or text(value) == "":
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = format(Decimal(repr(value)), "f")   # 12800000.0 -> "12800000.0", no float noise
    try:
        return parse_money(text(value))
    except DomainError:
        raise BadCell("imports.cell.bad_money", column=column, value=text(value)[:30]) from None


def amount_or_share(value: Any, column: str) -> tuple[Decimal | None, Decimal | None]:
    """(amount, percent): "30%" (a percentage cell reads so too) is a share, anything else an
    amount."""
    shown = text(value)
    if shown == "":
        return None, None
    match = _PERCENT.match(shown)
    if match:
        try:
            return None, _share(Decimal(match.group(1)), column, shown)
        except InvalidOperation:
            raise BadCell("imports.cell.bad_percent", column=column, value=shown[:30]) from None
    return money(value, column), None


def _share(percent: Decimal, column: str, shown: str) -> Decimal:
    if not Decimal(0) < percent <= Decimal(100):
        raise BadCell("imports.cell.bad_percent", column=column, value=shown[:30])
    return percent
