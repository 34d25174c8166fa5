"""Working calendars: which moments count towards an SLA.

A calendar either counts every minute (wall clock, the default) or only working hours on
working days, skipping weekends, public holidays and the project's stoppage days (停工日),
with make-up working days (调休) counted even when they fall on a weekend. Stoppage days are
skipped by the wall clock too: the site is shut, so nobody is late. China's public holidays
and make-up days come from the chinese-calendar package (`public_holidays =
"chinese-calendar"`), not from a list typed into the config; years it does not cover yet are
plain weeks (with whatever `holidays` the config adds). Pure: the time zone is given, nothing
reads a clock.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

# A calendar with no working time at all would make "add 30 minutes" loop for ever.
_MAX_DAYS = 3660


@dataclass(frozen=True)
class Calendar:
    business_hours: bool = False
    hours: tuple[tuple[time, time], ...] = ((time(9), time(12)), (time(13), time(18)))
    workdays: frozenset[int] = frozenset({1, 2, 3, 4, 5})   # ISO weekdays, Monday = 1
    holidays: frozenset[date] = frozenset()                  # public holidays and stoppage days
    extra_workdays: frozenset[date] = frozenset()            # 调休: weekend days that are worked
    tz: ZoneInfo = field(default_factory=lambda: ZoneInfo("Asia/Shanghai"))
    stoppages: frozenset[date] = frozenset()                 # 停工日: not counted even by the wall clock

    def is_workday(self, day: date) -> bool:
        if day in self.holidays:
            return False
        return day in self.extra_workdays or day.isoweekday() in self.workdays

    def _spans(self, day: date) -> list[tuple[datetime, datetime]]:
        """The day's working periods as aware datetimes (empty on days off)."""
        if not self.is_workday(day):
            return []
        return [(datetime.combine(day, start, self.tz), datetime.combine(day, end, self.tz))
                for start, end in self.hours]

    def seconds_between(self, start: datetime, end: datetime) -> float:
        """Counted seconds from `start` to `end` (0 if end is not after start)."""
        if end <= start:
            return 0.0
        if not self.business_hours:
            return (end - start).total_seconds() - self._stopped_between(start, end)
        total, day = 0.0, start.astimezone(self.tz).date()
        last = end.astimezone(self.tz).date()
        while day <= last:
            for open_at, close_at in self._spans(day):
                lo, hi = max(open_at, start), min(close_at, end)
                if hi > lo:
                    total += (hi - lo).total_seconds()
            day += timedelta(days=1)
        return total

    def add(self, start: datetime, seconds: float) -> datetime:
        """The moment when `seconds` of counted time have passed since `start`."""
        if not self.business_hours:
            return self._add_wall(start, seconds)
        left, day = seconds, start.astimezone(self.tz).date()
        for _ in range(_MAX_DAYS):
            for open_at, close_at in self._spans(day):
                lo = max(open_at, start)
                if close_at <= lo:
                    continue
                available = (close_at - lo).total_seconds()
                if left <= available:
                    # Exactly at the end of a period: that moment, not the next opening.
                    return (lo + timedelta(seconds=left)).astimezone(start.tzinfo)
                left -= available
            day += timedelta(days=1)
        raise ValueError("the calendar has no working time")

    def _day_span(self, day: date) -> tuple[datetime, datetime]:
        return (datetime.combine(day, time(0), self.tz),
                datetime.combine(day + timedelta(days=1), time(0), self.tz))

    def _stopped_between(self, start: datetime, end: datetime) -> float:
        total = 0.0
        for day in self.stoppages:
            lo, hi = self._day_span(day)
            lo, hi = max(lo, start), min(hi, end)
            if hi > lo:
                total += (hi - lo).total_seconds()
        return total

    def _add_wall(self, start: datetime, seconds: float) -> datetime:
        """Every minute counts, except on stoppage days."""
        if not self.stoppages:
            return start + timedelta(seconds=seconds)
        left, at = seconds, start
        for _ in range(_MAX_DAYS):
            day = at.astimezone(self.tz).date()
            _, midnight = self._day_span(day)
            if day in self.stoppages:
                at = midnight
                continue
            available = (midnight - at).total_seconds()
            if left <= available:
                return (at + timedelta(seconds=left)).astimezone(start.tzinfo)
            left, at = left - available, midnight
        raise ValueError("the calendar has no working time")


@lru_cache(maxsize=1)
def official_days() -> tuple[frozenset[date], frozenset[date]]:
    """(public holidays, make-up working days) of mainland China, from chinese-calendar.
    Read when first asked (the package is only imported then), kept for the process."""
    from chinese_calendar import constants

    return frozenset(constants.holidays), frozenset(constants.workdays)


def official_years() -> tuple[int, int]:
    """The years chinese-calendar knows; later years have no public holidays yet."""
    holidays, _ = official_days()
    return min(holidays).year, max(holidays).year


def _time(text: str, where: str) -> time:
    try:
        hour, minute = str(text).split(":")
        return time(int(hour), int(minute))
    except ValueError:
        raise ValueError(f"{where}: expected HH:MM, got {text!r}") from None


def _date(text: Any, where: str) -> date:
    if isinstance(text, date):
        return text
    try:
        return date.fromisoformat(str(text))
    except ValueError:
        raise ValueError(f"{where}: expected a date YYYY-MM-DD, got {text!r}") from None


def parse_calendar(raw: dict[str, Any], tz: ZoneInfo, where: str = "tickets.calendar",
                   base: Calendar | None = None) -> Calendar:
    """A calendar from config (`base` is None) or a project's override of the config one.
    Raises ValueError naming the bad key. Holidays add up: the project's stoppage days come on
    top of the public holidays."""
    base = base or Calendar(tz=tz)
    hours = base.hours
    if "hours" in raw:
        hours = tuple((_time(a, f"{where}.hours"), _time(b, f"{where}.hours"))
                      for a, b in (_pair(item, f"{where}.hours") for item in raw["hours"]))
        if not hours or any(a >= b for a, b in hours):
            raise ValueError(f"{where}.hours: each period must start before it ends, got {raw['hours']!r}")
    workdays = base.workdays
    if "workdays" in raw:
        workdays = frozenset(int(d) for d in raw["workdays"])
        if not workdays <= set(range(1, 8)):
            raise ValueError(f"{where}.workdays: expected weekday numbers 1 (Monday) to 7")
    holidays = set(base.holidays)
    for key in ("holidays", "stoppage_days"):
        holidays |= {_date(d, f"{where}.{key}") for d in raw.get(key, ())}
    stoppages = set(base.stoppages) | {_date(d, f"{where}.stoppage_days") for d in raw.get("stoppage_days", ())}
    extra = set(base.extra_workdays) | {_date(d, f"{where}.extra_workdays")
                                        for d in raw.get("extra_workdays", ())}
    source = raw.get("public_holidays")
    if source not in (None, "chinese-calendar", "none"):
        raise ValueError(f"{where}.public_holidays: expected \"chinese-calendar\" or \"none\", got {source!r}")
    if source == "chinese-calendar":
        official, makeup = official_days()
        holidays |= official
        extra |= makeup - holidays   # a day the project stops stays off
    business = raw.get("business_hours", base.business_hours)
    if not isinstance(business, bool):
        raise ValueError(f"{where}.business_hours: expected true or false, got {business!r}")
    return Calendar(bool(business), hours, workdays, frozenset(holidays), frozenset(extra), tz,
                    frozenset(stoppages))


def _pair(item: Any, where: str) -> tuple[str, str]:
    if isinstance(item, (list, tuple)) and len(item) == 2:
        return str(item[0]), str(item[1])
    if isinstance(item, str) and "-" in item:
        start, end = item.split("-", 1)
        return start.strip(), end.strip()
    raise ValueError(f"{where}: expected [\"09:00\", \"12:00\"] or \"09:00-12:00\", got {item!r}")
