"""Ticket rules from configuration: guessing category and severity, SLA windows, assignment.

Pure functions over plain values, so they are tested without a database.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from domain.enums import Category, Role, Severity
from domain.tickets import guessing
from domain.tickets.calendar import Calendar, parse_calendar


@dataclass(frozen=True)
class SlaWindow:
    accept_minutes: int
    resolve_minutes: int


def _default_sla() -> dict[str, SlaWindow]:
    return {"high": SlaWindow(30, 240), "medium": SlaWindow(120, 1440), "low": SlaWindow(480, 4320)}


@dataclass(frozen=True)
class Level:
    """One step up the escalation chain (level 1 is the assignee; these are 2, 3 …).
    A condition with None never escalates to this level."""
    name: str                             # wording key: escalation.level.<name>
    notify: tuple[str, ...]               # roles: project roles, or org-wide ones (dept_head …)
    not_accepted_after: int | None = None  # minutes of SLA time past the accept deadline
    not_resolved_after: int | None = None  # minutes of SLA time past the resolve deadline


def _default_levels() -> tuple[Level, ...]:
    return (Level("project", ("project_manager", "dept_head"), 0, 0),
            Level("hq", ("hq_service",), 60, 240))


@dataclass(frozen=True)
class Escalation:
    warn_percent: int = 75            # the assignee is warned at this share of each window
    levels: tuple[Level, ...] = field(default_factory=_default_levels)
    repeat_every_minutes: int = 60    # at the top level, remind again this often …
    repeat_times: int = 3             # … this many times


@dataclass(frozen=True)
class TicketRules:
    sla: dict[str, SlaWindow] = field(default_factory=_default_sla)
    vocabulary: dict[str, tuple[str, ...]] = field(default_factory=dict)
    severity_words: dict[str, tuple[str, ...]] = field(default_factory=dict)
    assignment: dict[str, str] = field(default_factory=dict)
    escalation: Escalation = field(default_factory=Escalation)
    calendar: dict[str, Any] = field(default_factory=dict)   # [tickets.calendar], validated
    auto_close_days: int = 3          # a resolved ticket nobody confirms closes after this
    attach_window_minutes: int = 10   # photos sent this soon after a report join that ticket

    def calendar_for(self, project_calendar: dict[str, Any] | None, tz: ZoneInfo) -> Calendar:
        """The config calendar with the project's own hours, holidays and stoppage days.
        Parsed once for each distinct pair (every report and SLA step asks; a Calendar is
        immutable)."""
        key = (_key(self.calendar), _key(project_calendar or {}), tz)
        found = _CALENDARS.get(key)
        if found is None:
            if len(_CALENDARS) >= 256:
                _CALENDARS.clear()
            base = parse_calendar(self.calendar, tz)
            found = _CALENDARS[key] = parse_calendar(project_calendar or {}, tz, "project.calendar", base)
        return found

    def problems(self) -> list[str]:
        """Names of config entries that do not fit the business vocabulary."""
        out = [f"tickets.vocabulary.{c}: unknown category" for c in self.vocabulary
               if c not in Category.__members__.values()]
        out += [f"tickets.severity.{s}: expected high or low" for s in self.severity_words
                if s not in ("high", "low")]
        for category, role in self.assignment.items():
            if category not in Category.__members__.values():
                out.append(f"tickets.assignment.{category}: unknown category")
            elif role not in Role.__members__.values():
                out.append(f"tickets.assignment.{category}: unknown role {role!r}")
        return out


# (config calendar, project calendar, zone) -> the parsed Calendar. Keyed by the settings' text:
# a date and its ISO text read as the same day.
_CALENDARS: dict[tuple[str, str, ZoneInfo], Calendar] = {}


def _key(raw: dict[str, Any]) -> str:
    return json.dumps(raw, sort_keys=True, default=str)


def guess_category(text: str, rules: TicketRules) -> Category:
    """The category whose words weigh most in the text (guessing.best); else coordination."""
    found = guessing.best(text, rules.vocabulary)
    return Category(found) if found else Category.COORDINATION


def guess_severity(text: str, rules: TicketRules) -> Severity:
    """The level whose words weigh most; a longer hit hides the shorter one it covers, so
    "不急" is not read as "急". No hit: medium."""
    found = guessing.best(text, {level: rules.severity_words.get(level, ()) for level in ("low", "high")})
    return Severity(found) if found else Severity.MEDIUM


def parse_lifecycle(section: dict[str, Any]) -> dict[str, Any]:
    """[tickets.escalation], [tickets.calendar] and the confirmation settings as TicketRules
    fields. Raises ValueError with one line naming the key; every number must be present."""
    raw = section.get("escalation")
    if not isinstance(raw, dict):
        raise ValueError("tickets.escalation: missing (needs warn_percent, repeat_every_minutes, "
                         "repeat_times and [[tickets.escalation.levels]])")
    warn = _number(raw, "warn_percent", "tickets.escalation", 1)
    if warn >= 100:
        raise ValueError(f"tickets.escalation.warn_percent: expected 1-99, got {warn}")
    levels = tuple(_level(item, i) for i, item in enumerate(raw.get("levels") or ()))
    if not levels:
        raise ValueError("tickets.escalation.levels: missing (at least one level above the assignee)")
    for attr in ("not_accepted_after", "not_resolved_after"):
        seen = [getattr(lv, attr) for lv in levels if getattr(lv, attr) is not None]
        if seen != sorted(seen):
            raise ValueError(f"tickets.escalation.levels: {attr}_minutes must not decrease "
                             "from one level to the next")
    escalation = Escalation(warn, levels, _number(raw, "repeat_every_minutes", "tickets.escalation", 1),
                            _number(raw, "repeat_times", "tickets.escalation", 0))
    confirm = section.get("confirm")
    if not isinstance(confirm, dict):
        raise ValueError("tickets.confirm: missing (needs auto_close_days)")
    calendar = dict(section.get("calendar", {}))
    parse_calendar(calendar, ZoneInfo("UTC"))   # only to refuse a bad one at start-up
    return {"escalation": escalation, "calendar": calendar,
            "auto_close_days": _number(confirm, "auto_close_days", "tickets.confirm", 1),
            "attach_window_minutes": _number(section.get("photos", {}), "attach_window_minutes",
                                             "tickets.photos", 1)}


def _number(section: dict[str, Any], key: str, where: str, minimum: int) -> int:
    value = section.get(key)
    if value is None:
        raise ValueError(f"{where}.{key}: missing")
    if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
        raise ValueError(f"{where}.{key}: expected a whole number >= {minimum}, got {value!r}")
    return value


def _level(raw: Any, index: int) -> Level:
    where = f"tickets.escalation.levels[{index}]"
    if not isinstance(raw, dict):
        raise ValueError(f"{where}: expected a table")
    notify = tuple(raw.get("notify") or ())
    if not notify:
        raise ValueError(f"{where}.notify: missing (roles to escalate to)")
    for role in notify:
        if role not in Role.__members__.values():
            raise ValueError(f"{where}.notify: unknown role {role!r}")
    after = {}
    for key in ("not_accepted_after_minutes", "not_resolved_after_minutes"):
        if key in raw:
            after[key] = _number(raw, key, where, 0)
    if not after:
        raise ValueError(f"{where}: needs not_accepted_after_minutes or not_resolved_after_minutes")
    return Level(str(raw.get("name") or f"level{index + 2}"), notify,
                 after.get("not_accepted_after_minutes"), after.get("not_resolved_after_minutes"))


def sla_due(severity: Severity, start: datetime, rules: TicketRules) -> tuple[datetime, datetime]:
    """(accept by, resolve by) counted from `start` in wall-clock time."""
    window = rules.sla[severity.value]
    return (start + timedelta(minutes=window.accept_minutes),
            start + timedelta(minutes=window.resolve_minutes))


def assignee_role(category: Category, rules: TicketRules,
                  project_rules: dict[str, str] | None = None) -> Role:
    """The project's own rule wins, then config, then the project manager."""
    role = (project_rules or {}).get(category.value) or rules.assignment.get(category.value)
    return Role(role) if role else Role.PROJECT_MANAGER
