"""Progress configuration ([progress] in config/default.toml) as plain typed values: when the
daily digest and the weekly report go out, whether quiet days get a digest, how long a page
link lives."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time
from typing import Any

_HHMM = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def parse_hhmm(value: object) -> time | None:
    """"18:00" -> time(18, 0); anything else -> None."""
    match = _HHMM.match(value.strip()) if isinstance(value, str) else None
    return time(int(match.group(1)), int(match.group(2))) if match else None


@dataclass(frozen=True)
class ProgressRules:
    digest_time: time = time(18, 0)        # local time of the daily digest
    send_when_idle: bool = False           # a digest even on a day with no activity
    weekly_weekday: int = 0                # Monday
    weekly_time: time = time(8, 30)
    link_days: int = 7                     # how long a page link in a card stays valid
    page_log_days: int = 14                # daily logs shown on the customer page
    # A digest is sent at most this long after its time (a process down all evening does not
    # send yesterday's digest the next morning).
    catch_up_hours: int = 4


def parse_progress(section: dict[str, Any]) -> ProgressRules:
    """Raises ValueError with a one-line message naming the key."""
    default = ProgressRules()
    digest = _time(section, "digest_time", default.digest_time)
    weekly = _time(section, "weekly_time", default.weekly_time)
    day = section.get("weekly_day", "monday")
    if not isinstance(day, str) or day.strip().lower() not in WEEKDAYS:
        raise ValueError(f"progress.weekly_day: expected a weekday like monday, got {day!r}")
    idle = section.get("send_when_idle", False)
    if not isinstance(idle, bool):
        raise ValueError(f"progress.send_when_idle: expected true or false, got {idle!r}")
    return ProgressRules(digest_time=digest, send_when_idle=idle,
                         weekly_weekday=WEEKDAYS.index(day.strip().lower()), weekly_time=weekly,
                         link_days=_positive(section, "link_days", default.link_days),
                         page_log_days=_positive(section, "page_log_days", default.page_log_days),
                         catch_up_hours=_positive(section, "catch_up_hours", default.catch_up_hours))


def _time(section: dict[str, Any], key: str, default: time) -> time:
    if key not in section:
        return default
    parsed = parse_hhmm(section[key])
    if parsed is None:
        raise ValueError(f"progress.{key}: expected a time like 18:00, got {section[key]!r}")
    return parsed


def _positive(section: dict[str, Any], key: str, default: int) -> int:
    value = section.get(key, default)
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise ValueError(f"progress.{key}: expected a positive whole number, got {value!r}")
    return value
