"""Report periods on a fixed clock (Shanghai): this week/month/quarter up to now beside the
same stretch of the one before, whole past periods beside whole ones, custom ranges beside as
many days before, and what is refused."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from bot.settings import load_settings
from bot.config_error import ConfigError
from domain.reports.periods import Kind, current, custom, last_complete, rebuild
from tests.reports.company import TZ, local


def days(period) -> tuple[str, str, str, str]:
    return (period.first.isoformat(), period.last.isoformat(),
            period.start.astimezone(TZ).strftime("%m-%d %H:%M"), period.end.astimezone(TZ).strftime("%m-%d %H:%M"))


def test_running_periods_beside_the_same_stretch_of_the_one_before():
    now = local("2026-11-25 10:00")                                  # a Wednesday
    week = current(Kind.WEEK, now, TZ)
    assert days(week) == ("2026-11-23", "2026-11-29", "11-23 00:00", "11-25 10:00") and week.running
    assert days(week.previous()) == ("2026-11-16", "2026-11-22", "11-16 00:00", "11-18 10:00")
    assert week.start == datetime(2026, 11, 22, 16, 0, tzinfo=timezone.utc)   # local midnight
    quarter = current(Kind.QUARTER, now, TZ)
    assert days(quarter)[:2] == ("2026-10-01", "2026-12-31")
    assert days(quarter.previous())[:2] == ("2026-07-01", "2026-09-30")
    # The 31st of March beside February: as far as February goes.
    march = current(Kind.MONTH, local("2026-03-31 12:00"), TZ)
    assert days(march.previous()) == ("2026-02-01", "2026-02-28", "02-01 00:00", "03-01 00:00")
    assert march.last_day == date(2026, 3, 31) and march.previous().last_day == date(2026, 2, 28)


def test_whole_and_custom_periods():
    last = last_complete(Kind.MONTH, local("2026-01-05 09:00"), TZ)
    assert days(last) == ("2025-12-01", "2025-12-31", "12-01 00:00", "01-01 00:00") and not last.running
    assert days(last.previous())[:2] == ("2025-11-01", "2025-11-30")
    assert [p.first.isoformat() for p in last.earlier(3)] == ["2025-09-01", "2025-10-01", "2025-11-01"]
    span = custom(date(2026, 10, 1), date(2026, 10, 10), local("2026-11-01 00:00"), TZ)
    assert days(span.previous())[:2] == ("2026-09-21", "2026-09-30")
    assert rebuild(Kind.MONTH, date(2026, 10, 1), date(2026, 10, 31), local("2026-10-20 08:00"), TZ).running
    now = local("2026-11-01 00:00")
    for first, last_day, why in [(date(2026, 10, 2), date(2026, 10, 1), "reversed"),
                                 (date(2024, 1, 1), date(2026, 1, 1), "too_long"),
                                 (date(2026, 12, 1), date(2026, 12, 2), "future")]:
        with pytest.raises(ValueError, match=why):
            custom(first, last_day, now, TZ)
    with pytest.raises(ValueError):
        rebuild(Kind.MONTH, date(2026, 10, 2), date(2026, 10, 31), now, TZ)     # not a whole month


def test_bad_report_settings_stop_start_up_with_the_key():
    assert load_settings(env={}).reports.weekly_weekday == 0
    for section, key in [({"nps_occasions": ["yearly"]}, "reports.nps_occasions"),
                         ({"push_time": "25:00"}, "reports.push_time"),
                         ({"recipients": ["customer_contact"]}, "reports.recipients"),
                         ({"risk_csat_below": 9}, "reports.risk_csat_below"),
                         ({"weekly": "yes"}, "reports.weekly")]:
        with pytest.raises(ConfigError, match=key):
            load_settings(env={}, overrides={"reports": section})
