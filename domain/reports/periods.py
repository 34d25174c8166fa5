"""Report periods: this week, month or quarter (local time), a custom range of days, and the
period each is compared with.

A period runs from the start of its first local day to the end of its last, or to `now` when
it is still running. The previous period is the one before it of the same kind (last week,
last month …; a custom range: as many days just before it); while the period is still running
it is compared with the same stretch of the previous one ("this month so far" with the first
as-many days of last month), so counts are not set against a whole period."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from enum import StrEnum
from functools import cached_property
from zoneinfo import ZoneInfo

MAX_DAYS = 731   # a custom period longer than two years is refused (a report is not an archive)


class Kind(StrEnum):
    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"
    CUSTOM = "custom"


@dataclass(frozen=True)
class Period:
    kind: Kind
    first: date            # first local day
    last: date             # last local day of the whole period (even if it is still running)
    start: datetime        # UTC: the start of `first`
    end: datetime          # UTC: the end of `last`, or `now` if that is earlier
    tz: ZoneInfo

    @property
    def running(self) -> bool:
        return self.end < _day_start(self.last + timedelta(days=1), self.tz)

    @cached_property
    def last_day(self) -> date:
        """The last local day with data in the period (today while it runs)."""
        return (self.end - timedelta(microseconds=1)).astimezone(self.tz).date()

    @property
    def days(self) -> float:
        """Its length in days (fractional while it runs)."""
        return max((self.end - self.start).total_seconds() / 86400, 0.0)

    def holds(self, moment: datetime | None) -> bool:
        return moment is not None and self.start <= moment < self.end

    def holds_day(self, day: date | None) -> bool:
        return day is not None and self.first <= day <= self.last_day

    def previous(self) -> Period:
        first, last = _before(self.kind, self.first, self.last)
        start = _day_start(first, self.tz)
        whole_end = _day_start(last + timedelta(days=1), self.tz)
        end = min(start + (self.end - self.start), whole_end) if self.running else whole_end
        return Period(self.kind, first, last, start, end, self.tz)

    def earlier(self, count: int) -> list[Period]:
        """The `count` whole periods before this one, oldest first (trend charts: this month so
        far beside the five whole months before it)."""
        out, first, last = [], self.first, self.last
        for _ in range(count):
            first, last = _before(self.kind, first, last)
            out.append(Period(self.kind, first, last, _day_start(first, self.tz),
                              _day_start(last + timedelta(days=1), self.tz), self.tz))
        return out[::-1]


def _day_start(day: date, tz: ZoneInfo) -> datetime:
    """Local midnight, held in UTC: the moments it is compared with (millions, over a year of
    tickets) are UTC, and aware datetimes with the same tzinfo compare without asking either
    zone for its offset — several times faster."""
    return datetime.combine(day, time(0), tz).astimezone(timezone.utc)


def _quarter_first(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def _month_after(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _bounds(kind: Kind, day: date) -> tuple[date, date]:
    if kind is Kind.WEEK:
        first = day - timedelta(days=day.weekday())
        return first, first + timedelta(days=6)
    if kind is Kind.MONTH:
        first = day.replace(day=1)
        return first, _month_after(first, 1) - timedelta(days=1)
    if kind is Kind.QUARTER:
        first = _quarter_first(day)
        return first, _month_after(first, 3) - timedelta(days=1)
    raise ValueError(f"no natural bounds for {kind}")


def _before(kind: Kind, first: date, last: date) -> tuple[date, date]:
    if kind is Kind.CUSTOM:
        length = last - first + timedelta(days=1)
        return first - length, first - timedelta(days=1)
    return _bounds(kind, first - timedelta(days=1))


def current(kind: Kind, now: datetime, tz: ZoneInfo) -> Period:
    """This week / month / quarter, up to `now`."""
    first, last = _bounds(kind, now.astimezone(tz).date())
    return Period(kind, first, last, _day_start(first, tz),
                  min(now.astimezone(timezone.utc), _day_start(last + timedelta(days=1), tz)), tz)


def last_complete(kind: Kind, now: datetime, tz: ZoneInfo) -> Period:
    """Last week / month / quarter, whole (the pushed reports)."""
    running = current(kind, now, tz)
    first, last = _before(kind, running.first, running.last)
    return Period(kind, first, last, _day_start(first, tz), _day_start(last + timedelta(days=1), tz), tz)


def rebuild(kind: Kind, first: date, last: date, now: datetime, tz: ZoneInfo) -> Period:
    """The period a card button or a cockpit link named by its kind and days, as it stands
    at `now` (still running, or whole)."""
    if kind is Kind.CUSTOM:
        return custom(first, last, now, tz)
    natural_first, natural_last = _bounds(kind, first)
    if (natural_first, natural_last) != (first, last):
        raise ValueError("not a whole period")
    start = _day_start(first, tz)
    if start > now:
        raise ValueError("future")
    return Period(kind, first, last, start,
                  min(now.astimezone(timezone.utc), _day_start(last + timedelta(days=1), tz)), tz)


def custom(first: date, last: date, now: datetime, tz: ZoneInfo) -> Period:
    """The days first..last; ValueError when they are backwards, too long or all to come."""
    if last < first:
        raise ValueError("reversed")
    if (last - first).days >= MAX_DAYS:
        raise ValueError("too_long")
    start = _day_start(first, tz)
    if start > now:
        raise ValueError("future")
    return Period(Kind.CUSTOM, first, last, start,
                  min(now.astimezone(timezone.utc), _day_start(last + timedelta(days=1), tz)), tz)
