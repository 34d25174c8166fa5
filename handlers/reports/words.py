"""Reading what follows 报表 / 满意度 / 导出 报表: a period (本周, 上月, 本季度, 2026-10-01 至
2026-10-31 …) and a project code, in any order. Anything else is refused with the usage."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from domain.errors import InvalidInput
from domain.reports.periods import Kind, Period, current, custom, last_complete, rebuild

# word -> (this or last, kind)
_PERIODS = {
    "本周": ("this", Kind.WEEK), "这周": ("this", Kind.WEEK), "本星期": ("this", Kind.WEEK),
    "上周": ("last", Kind.WEEK), "上星期": ("last", Kind.WEEK),
    "本月": ("this", Kind.MONTH), "这个月": ("this", Kind.MONTH), "当月": ("this", Kind.MONTH),
    "上月": ("last", Kind.MONTH), "上个月": ("last", Kind.MONTH),
    "本季度": ("this", Kind.QUARTER), "本季": ("this", Kind.QUARTER), "这个季度": ("this", Kind.QUARTER),
    "上季度": ("last", Kind.QUARTER), "上季": ("last", Kind.QUARTER), "上个季度": ("last", Kind.QUARTER),
    "this week": ("this", Kind.WEEK), "week": ("this", Kind.WEEK), "last week": ("last", Kind.WEEK),
    "this month": ("this", Kind.MONTH), "month": ("this", Kind.MONTH), "last month": ("last", Kind.MONTH),
    "this quarter": ("this", Kind.QUARTER), "quarter": ("this", Kind.QUARTER),
    "last quarter": ("last", Kind.QUARTER),
}
_CODE = re.compile(r"(?<![\w-])P-?(\d{1,9})(?![\w-])", re.IGNORECASE)
_DAY = r"(?:(\d{4})[-/.年])?(\d{1,2})[-/.月](\d{1,2})日?"
_RANGE = re.compile(rf"^{_DAY}\s*(?:至|到|~|～|—|–|to)\s*{_DAY}$", re.IGNORECASE)


@dataclass(frozen=True)
class Asked:
    period: Period
    code: str | None          # P-001 when one project was named


def _day(year: str | None, month: str, day: str, today: date) -> date:
    return date(int(year) if year else today.year, int(month), int(day))


def read(args: str, now: datetime, tz: ZoneInfo) -> Asked:
    """Raises InvalidInput (reports.usage, or what is wrong with the dates)."""
    text = " ".join(args.split())
    codes = _CODE.findall(text)
    if len(codes) > 1:
        raise InvalidInput("reports.one_project")
    code = f"P-{int(codes[0]):03d}" if codes else None
    rest = _CODE.sub(" ", text).strip().lower()
    rest = " ".join(rest.split())
    if not rest:
        return Asked(current(Kind.MONTH, now, tz), code)
    if rest in _PERIODS:
        which, kind = _PERIODS[rest]
        return Asked((current if which == "this" else last_complete)(kind, now, tz), code)
    match = _RANGE.match(rest)
    if not match:
        raise InvalidInput("reports.usage")
    today = now.astimezone(tz).date()
    try:
        first, last = _day(*match.groups()[:3], today), _day(*match.groups()[3:], today)
    except ValueError:
        raise InvalidInput("reports.bad_date", text=rest) from None
    try:
        return Asked(custom(first, last, now, tz), code)
    except ValueError as error:
        raise InvalidInput(f"reports.range_{error}", first=first.isoformat(), last=last.isoformat()) from None


def to_value(asked: Asked) -> dict[str, str]:
    """What a button carries to ask for the same report again (导出 on the card)."""
    value = {"k": asked.period.kind.value, "f": asked.period.first.isoformat(),
             "l": asked.period.last.isoformat()}
    return {**value, "c": asked.code} if asked.code else value


def from_value(value: dict, now: datetime, tz: ZoneInfo) -> Asked:
    try:
        kind = Kind(value["k"])
        first, last = date.fromisoformat(value["f"]), date.fromisoformat(value["l"])
        code = value.get("c")
        if code is not None and not _CODE.fullmatch(str(code)):
            raise ValueError(code)
        return Asked(rebuild(kind, first, last, now, tz), code)
    except (KeyError, TypeError, ValueError):
        raise InvalidInput("error.stale_button") from None
