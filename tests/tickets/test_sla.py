"""The SLA clock with a fixed clock: deadlines, the 75 % warning, each escalation level, repeats
at the top level, pause and resume, business hours, auto-close, and start-up refusing a bad
SLA or escalation config with one line."""
from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from bot.settings import ConfigError, load_settings
from domain.enums import TicketStatus
from domain.store.models import Ticket
from domain.tickets import sla
from domain.tickets.calendar import Calendar, parse_calendar
from domain.tickets.rules import parse_lifecycle

SH = ZoneInfo("Asia/Shanghai")
RULES = load_settings(env={}).tickets
WALL = Calendar(tz=SH)
OFFICE = parse_calendar({"business_hours": True, "holidays": ["2026-11-30"]}, SH)
START = datetime(2026, 11, 23, 14, 0, tzinfo=SH)   # Monday 14:00


def new_ticket(severity: str = "high", start: datetime = START) -> Ticket:
    ticket = Ticket(id=9, severity=severity, status=TicketStatus.OPEN.value, accepted_at=None,
                    resolved_at=None)
    sla.start(ticket, start)
    return ticket


def steps(ticket: Ticket, cal: Calendar = WALL, rules=RULES) -> list[tuple[str, datetime, int]]:  # noqa: ANN001
    return [(s.kind, s.at.astimezone(SH), s.level) for s in sla.plan(ticket, rules, cal)]


def local(hour: int, minute: int = 0, day: int = 23, second: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, second, tzinfo=SH)


def test_deadlines_and_the_order_of_steps_for_an_unaccepted_high_ticket():
    ticket = new_ticket()
    sla.refresh(ticket, RULES, WALL)
    assert ticket.accept_due_at == local(14, 30) and ticket.resolve_due_at == local(18, 0)
    assert steps(ticket) == [
        ("warn_accept", local(14, 22, second=30), 0),   # 75 % of 30 min
        ("escalate", local(14, 30), 2),                 # 项目部 at the accept deadline
        ("escalate", local(15, 30), 3),                 # 总部 60 min later
        ("warn_resolve", local(17, 0), 0),              # 75 % of 4 h
    ]
    assert ticket.next_due_at == local(14, 22, second=30)


def test_accepting_leaves_only_the_resolve_chain():
    ticket = new_ticket()
    ticket.status, ticket.accepted_at = TicketStatus.IN_PROGRESS.value, START
    assert steps(ticket) == [("warn_resolve", local(17, 0), 0), ("escalate", local(18, 0), 2),
                             ("escalate", local(22, 0), 3)]


def test_each_level_fires_once_then_repeats_at_the_top_a_configured_number_of_times():
    ticket = new_ticket()
    ticket.warned_accept = ticket.warned_resolve = True
    ticket.escalation_level = 2
    assert steps(ticket)[0] == ("escalate", local(15, 30), 3)
    ticket.escalation_level = 3
    assert steps(ticket) == [("repeat", local(16, 30), 3)]        # every 60 min after 总部
    for done in (1, 2):
        ticket.escalation_repeats = done
        assert steps(ticket) == [("repeat", local(16 + done, 30), 3)]
    ticket.escalation_repeats = 3                                   # repeat_times = 3
    assert steps(ticket) == []


def test_a_missed_level_comes_before_the_next_and_due_steps_are_those_past():
    ticket = new_ticket()
    due = sla.due_steps(ticket, RULES, WALL, local(16, 0))           # back after downtime
    assert [(s.kind, s.level) for s in due] == [("warn_accept", 0), ("escalate", 2), ("escalate", 3)]


def test_pause_and_resume_move_every_deadline_by_the_paused_time():
    ticket = new_ticket()
    ticket.status, ticket.accepted_at = TicketStatus.IN_PROGRESS.value, START
    sla.pause(ticket, WALL, local(15, 0), "customer")
    assert ticket.sla_banked_seconds == 3600 and sla.plan(ticket, RULES, WALL) == []
    sla.refresh(ticket, RULES, WALL)
    assert ticket.next_due_at is None                               # nothing is due while paused
    sla.resume(ticket, local(17, 0))
    sla.refresh(ticket, RULES, WALL)
    assert ticket.resolve_due_at == local(20, 0)                    # 18:00 + 2 h paused
    assert steps(ticket)[0] == ("warn_resolve", local(19, 0), 0)
    assert sla.elapsed(ticket, WALL, local(18, 0)) == 2 * 3600


def test_business_hours_across_a_weekend_and_a_holiday():
    friday = datetime(2026, 11, 27, 17, 0, tzinfo=SH)
    ticket = new_ticket("high", friday)
    sla.refresh(ticket, RULES, OFFICE)
    # accept: 30 working minutes from Friday 17:00 -> 17:30; resolve: 4 h = 1 h Friday, the
    # weekend and Monday (a holiday here) skipped, 3 h on Tuesday -> Tuesday 12:00.
    assert ticket.accept_due_at.astimezone(SH) == datetime(2026, 11, 27, 17, 30, tzinfo=SH)
    assert ticket.resolve_due_at.astimezone(SH) == datetime(2026, 12, 1, 12, 0, tzinfo=SH)
    # 总部 for "not accepted": 60 working minutes after 17:30 -> 30 min Friday + 30 min Tuesday.
    assert dict(((k, lv), at) for k, at, lv in steps(ticket, OFFICE))[("escalate", 3)] == \
        datetime(2026, 12, 1, 9, 30, tzinfo=SH)


def test_pause_over_a_weekend_in_business_hours():
    friday = datetime(2026, 11, 27, 16, 0, tzinfo=SH)
    ticket = new_ticket("high", friday)
    ticket.status, ticket.accepted_at = TicketStatus.IN_PROGRESS.value, friday
    sla.pause(ticket, OFFICE, friday + timedelta(hours=1), "material")    # 1 h used
    sla.resume(ticket, datetime(2026, 12, 1, 10, 0, tzinfo=SH))           # Tuesday 10:00
    sla.refresh(ticket, RULES, OFFICE)
    assert ticket.resolve_due_at.astimezone(SH) == datetime(2026, 12, 1, 14, 0, tzinfo=SH)  # +3 h, lunch


def test_reassign_gives_a_fresh_accept_window_but_keeps_the_resolve_deadline():
    ticket = new_ticket()
    sla.restart_accept(ticket, WALL, local(14, 20))
    sla.refresh(ticket, RULES, WALL)
    assert ticket.accept_due_at == local(14, 50) and ticket.resolve_due_at == local(18, 0)


def test_a_resolved_ticket_closes_itself_after_n_days():
    ticket = new_ticket()
    ticket.status, ticket.resolved_at = TicketStatus.RESOLVED.value, local(16, 0)
    ticket.sla_since = None
    assert steps(ticket) == [("auto_close", local(16, 0, day=26), 0)]
    ticket.status = TicketStatus.CLOSED.value
    sla.refresh(ticket, RULES, WALL)
    assert ticket.next_due_at is None


def test_keys_change_with_the_due_time():
    ticket = new_ticket()
    first = sla.plan(ticket, RULES, WALL)[1]
    assert first.key(9) == "escalate:T-9:L2:20261123T063000Z"
    sla.start(ticket, local(15, 0))                                 # e.g. reopened: fresh cycle
    assert sla.plan(ticket, RULES, WALL)[1].key(9) != first.key(9)


def test_warning_percent_and_levels_come_from_config():
    rules = dataclasses.replace(RULES, escalation=dataclasses.replace(RULES.escalation, warn_percent=50))
    assert steps(new_ticket(), rules=rules)[0] == ("warn_accept", local(14, 15), 0)


def test_due_times_are_aware_utc_comparable():
    ticket = new_ticket()
    sla.refresh(ticket, RULES, WALL)
    assert ticket.next_due_at.astimezone(timezone.utc).hour == 6


@pytest.mark.parametrize("overrides, key", [
    ({"sla": {"high": {"accept_minutes": -5, "resolve_minutes": 240}}}, "tickets.sla.high.accept_minutes"),
    ({"escalation": {"warn_percent": -1}}, "tickets.escalation.warn_percent"),
    ({"escalation": {"warn_percent": 100}}, "tickets.escalation.warn_percent"),
    ({"escalation": {"repeat_times": -2}}, "tickets.escalation.repeat_times"),
    ({"escalation": {"repeat_every_minutes": 0}}, "tickets.escalation.repeat_every_minutes"),
    ({"escalation": {"levels": [{"notify": ["project_manager"], "not_accepted_after_minutes": -10}]}},
     "tickets.escalation.levels[0].not_accepted_after_minutes"),
    ({"escalation": {"levels": [{"notify": ["wizard"], "not_accepted_after_minutes": 0}]}},
     "tickets.escalation.levels[0].notify"),
    ({"escalation": {"levels": [{"notify": ["project_manager"]}]}}, "tickets.escalation.levels[0]"),
    ({"escalation": {"levels": []}}, "tickets.escalation.levels"),
    ({"escalation": {"levels": [
        {"notify": ["project_manager"], "not_resolved_after_minutes": 60},
        {"notify": ["hq_service"], "not_resolved_after_minutes": 30}]}}, "not_resolved_after_minutes"),
    ({"confirm": {"auto_close_days": -3}}, "tickets.confirm.auto_close_days"),
    ({"photos": {"attach_window_minutes": "ten"}}, "tickets.photos.attach_window_minutes"),
])
def test_start_up_refuses_a_bad_sla_config_with_one_line(overrides, key):
    with pytest.raises(ConfigError) as refused:
        load_settings(env={}, overrides={"tickets": overrides})
    message = str(refused.value)
    assert key in message and "\n" not in message


def test_start_up_refuses_a_missing_value():
    # A site file cannot delete a default, so the parser is given the section without the key.
    raw = {"escalation": {"warn_percent": 75, "repeat_times": 3, "levels": [
        {"notify": ["project_manager"], "not_accepted_after_minutes": 0}]}, "confirm": {"auto_close_days": 3},
        "photos": {"attach_window_minutes": 10}}
    with pytest.raises(ValueError, match=r"tickets\.escalation\.repeat_every_minutes: missing"):
        parse_lifecycle(raw)
    with pytest.raises(ValueError, match=r"tickets\.confirm: missing"):
        parse_lifecycle({**raw, "confirm": None, "escalation": {**raw["escalation"], "repeat_every_minutes": 60}})
