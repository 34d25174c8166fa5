"""Working calendars: business hours across weekends, public holidays, stoppage days and
make-up working days; the wall clock by default; bad calendars refused with the key named."""
from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.settings import ConfigError, load_settings
from domain.tickets.calendar import Calendar, parse_calendar

SH = ZoneInfo("Asia/Shanghai")
OFFICE = {"business_hours": True, "hours": ["09:00-12:00", "13:00-18:00"], "workdays": [1, 2, 3, 4, 5]}


def at(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=SH)


def test_wall_clock_by_default_counts_every_minute():
    cal = Calendar(tz=SH)
    assert cal.add(at(27, 17), 4 * 3600) == at(27, 21)
    assert cal.seconds_between(at(27, 17), at(30, 9)) == (2 * 24 + 16) * 3600


def test_business_hours_skip_the_weekend():
    cal = parse_calendar(OFFICE, SH)
    # Friday 17:00 + 4 working hours: 1 h on Friday, then Monday 09-12 (3 h) -> Monday 12:00.
    assert cal.add(at(27, 17), 4 * 3600) == at(30, 12)
    assert cal.seconds_between(at(27, 17), at(30, 12)) == 4 * 3600
    # The lunch break does not count: Monday 11:00 + 2 h -> 14:00.
    assert cal.add(at(30, 11), 2 * 3600) == at(30, 14)


def test_a_report_outside_hours_starts_counting_at_the_next_opening():
    cal = parse_calendar(OFFICE, SH)
    assert cal.add(at(28, 10), 30 * 60) == at(30, 9, 30)            # Saturday -> Monday 09:30
    assert cal.add(at(26, 20), 30 * 60) == at(27, 9, 30)            # Thursday evening
    assert cal.seconds_between(at(28, 8), at(29, 20)) == 0          # a whole weekend counts nothing


def test_a_public_holiday_and_a_stoppage_day_are_skipped():
    config = {**OFFICE, "holidays": ["2026-11-30"]}
    cal = parse_calendar(config, SH)
    assert cal.add(at(27, 17), 4 * 3600) == at(1, 12, month=12)     # Monday off -> Tuesday 12:00
    project = parse_calendar({"stoppage_days": ["2026-12-01"]}, SH, "project.calendar", cal)
    assert cal.holidays <= project.holidays                         # holidays add up
    assert project.add(at(27, 17), 4 * 3600) == at(2, 12, month=12)


def test_a_make_up_working_day_counts_on_a_weekend():
    cal = parse_calendar({**OFFICE, "extra_workdays": ["2026-11-28"]}, SH)
    assert cal.add(at(27, 17), 4 * 3600) == at(28, 12)


def test_a_project_can_switch_business_hours_on_over_the_wall_clock_config():
    base = parse_calendar({"business_hours": False}, SH)
    project = parse_calendar({"business_hours": True}, SH, "project.calendar", base)
    assert project.business_hours and project.add(at(27, 17), 3600) == at(27, 18)
    assert base.add(at(27, 17), 3600) == at(27, 18) and base.add(at(27, 18), 3600) == at(27, 19)


def test_end_of_a_period_is_that_moment_not_the_next_opening():
    cal = parse_calendar(OFFICE, SH)
    assert cal.add(at(30, 9), 3 * 3600) == at(30, 12)


@pytest.mark.parametrize("raw, key", [
    ({"hours": ["18:00-09:00"]}, "tickets.calendar.hours"),
    ({"hours": ["9h-12h"]}, "tickets.calendar.hours"),
    ({"holidays": ["2026-13-01"]}, "tickets.calendar.holidays"),
    ({"workdays": [0, 8]}, "tickets.calendar.workdays"),
    ({"business_hours": "yes"}, "tickets.calendar.business_hours"),
])
def test_bad_calendars_are_refused_naming_the_key(raw, key):
    with pytest.raises(ValueError, match=key.replace(".", r"\.")):
        parse_calendar(raw, SH)
    with pytest.raises(ConfigError) as refused:
        load_settings(env={}, overrides={"tickets": {"calendar": raw}})
    assert key in str(refused.value) and "\n" not in str(refused.value)


def test_a_calendar_without_working_time_fails_loudly_instead_of_looping():
    cal = parse_calendar({**OFFICE, "workdays": []}, SH)
    with pytest.raises(ValueError):
        cal.add(at(27, 17), 60)


def test_across_a_long_pause_business_seconds_are_exact():
    cal = parse_calendar(OFFICE, SH)
    week = cal.seconds_between(at(23, 0), at(23, 0) + timedelta(days=7))
    assert week == 5 * 8 * 3600
