"""Report configuration ([reports] in config/default.toml) as plain typed values: when NPS
cards go out, when the weekly and monthly reports are pushed and to whom, and what makes a
customer "at risk"."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import time
from typing import Any

from domain.enums import CUSTOMER_SIDE, Role
from domain.progress.rules import WEEKDAYS, parse_hhmm

NPS_OCCASIONS = ("milestone", "quarterly")


@dataclass(frozen=True)
class ReportRules:
    # NPS: a card to each customer contact when a project milestone is reached, and each
    # quarter (from `nps_time` on its first day); nobody gets two within `nps_gap_days`.
    nps_occasions: tuple[str, ...] = NPS_OCCASIONS
    nps_time: time = time(10, 0)
    nps_gap_days: int = 30
    # Pushed reports: the weekly one on `weekly_weekday` at `push_time` (last week), the
    # monthly one on the 1st (last month), to the holders of these company-wide roles.
    weekly: bool = True
    monthly: bool = True
    weekly_weekday: int = 0
    push_time: time = time(8, 30)
    recipients: tuple[str, ...] = (Role.DEPT_HEAD.value, Role.HQ_SERVICE.value,
                                   Role.HQ_ENGINEERING_DIRECTOR.value)
    catch_up_hours: int = 6          # a pushed report is sent at most this late
    # A customer is at risk with, in the last `risk_days`: an average satisfaction below
    # `risk_csat_below` or an NPS answer of `risk_nps_at_most` or less; or a complaint open;
    # or a payment more than `risk_overdue_days` overdue.
    risk_days: int = 90
    risk_csat_below: float = 3.0
    risk_nps_at_most: int = 6
    risk_overdue_days: int = 30
    warnings: bool = True            # early-warning cards to the department head


def parse_reports(section: dict[str, Any]) -> ReportRules:
    """Raises ValueError with a one-line message naming the key."""
    default = ReportRules()
    occasions = section.get("nps_occasions", list(default.nps_occasions))
    if not isinstance(occasions, list) or any(o not in NPS_OCCASIONS for o in occasions):
        raise ValueError(f"reports.nps_occasions: expected a list of {', '.join(NPS_OCCASIONS)}, "
                         f"got {occasions!r}")
    day = section.get("weekly_day", "monday")
    if not isinstance(day, str) or day.strip().lower() not in WEEKDAYS:
        raise ValueError(f"reports.weekly_day: expected a weekday like monday, got {day!r}")
    recipients = section.get("recipients", list(default.recipients))
    roles = {r.value for r in Role} - {r.value for r in CUSTOMER_SIDE}
    if not isinstance(recipients, list) or any(r not in roles for r in recipients):
        raise ValueError(f"reports.recipients: expected a list of company roles such as dept_head, "
                         f"got {recipients!r}")
    below = section.get("risk_csat_below", default.risk_csat_below)
    if not isinstance(below, (int, float)) or isinstance(below, bool) or not 1 <= below <= 5:
        raise ValueError(f"reports.risk_csat_below: expected a score 1-5, got {below!r}")
    return ReportRules(
        nps_occasions=tuple(occasions), nps_time=_time(section, "nps_time", default.nps_time),
        nps_gap_days=_whole(section, "nps_gap_days", default.nps_gap_days, 0, 366),
        weekly=_flag(section, "weekly", True), monthly=_flag(section, "monthly", True),
        weekly_weekday=WEEKDAYS.index(day.strip().lower()),
        push_time=_time(section, "push_time", default.push_time), recipients=tuple(recipients),
        catch_up_hours=_whole(section, "catch_up_hours", default.catch_up_hours, 1, 48),
        risk_days=_whole(section, "risk_days", default.risk_days, 1, 366),
        risk_csat_below=float(below),
        risk_nps_at_most=_whole(section, "risk_nps_at_most", default.risk_nps_at_most, 0, 10),
        risk_overdue_days=_whole(section, "risk_overdue_days", default.risk_overdue_days, 0, 366),
        warnings=_flag(section, "warnings", True))


def _time(section: dict[str, Any], key: str, default: time) -> time:
    if key not in section:
        return default
    parsed = parse_hhmm(section[key])
    if parsed is None:
        raise ValueError(f"reports.{key}: expected a time like 08:30, got {section[key]!r}")
    return parsed


def _whole(section: dict[str, Any], key: str, default: int, low: int, high: int) -> int:
    value = section.get(key, default)
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise ValueError(f"reports.{key}: expected a whole number {low}-{high}, got {value!r}")
    return value


def _flag(section: dict[str, Any], key: str, default: bool) -> bool:
    value = section.get(key, default)
    if not isinstance(value, bool):
        raise ValueError(f"reports.{key}: expected true or false, got {value!r}")
    return value
