"""The SLA clock of a ticket and the timed steps that follow from it.

The clock counts seconds of the project's calendar (business hours or wall time) while the
ticket is being worked on, and stands still while it is paused (waiting on the customer or on
material). Every deadline is a reading of that clock: accept by `accept_from + A`, resolve by
`R`, a warning at 75 % of each window, escalation level n at a deadline plus that level's
timeout, repeats at the top level. `plan()` turns the ticket's state into the list of steps
still to come, each with the moment it falls due; the scheduler acts on the due ones and the
ticket's `next_due_at` (indexed) is the earliest of them.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from domain.enums import TicketStatus
from domain.store.models import Ticket
from domain.tickets.calendar import Calendar
from domain.tickets.rules import TicketRules


@dataclass(frozen=True)
class Step:
    kind: str        # warn_accept | warn_resolve | escalate | repeat | auto_close
    at: datetime     # when it fell (or falls) due
    level: int = 0   # escalate / repeat: the level (2, 3 …)
    reason: str = ""  # escalate / repeat: not_accepted | not_resolved
    number: int = 0  # repeat: 1, 2, …

    def key(self, ticket_id: int) -> str:
        """Idempotency key: a changed due time (pause, reopen) makes a fresh one."""
        stamp = self.at.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        if self.kind == "escalate":
            return f"escalate:T-{ticket_id}:L{self.level}:{stamp}"
        if self.kind == "repeat":
            return f"escalate:T-{ticket_id}:L{self.level}:R{self.number}:{stamp}"
        return f"{self.kind}:T-{ticket_id}:{stamp}"


def elapsed(ticket: Ticket, cal: Calendar, now: datetime) -> float:
    """SLA seconds used so far in the current cycle."""
    running = cal.seconds_between(ticket.sla_since, now) if ticket.sla_since else 0.0
    return ticket.sla_banked_seconds + running


def instant(ticket: Ticket, cal: Calendar, offset: float) -> datetime | None:
    """When the clock reads `offset`; None while it stands still."""
    if ticket.sla_since is None:
        return None
    if offset <= ticket.sla_banked_seconds:
        return ticket.sla_since
    return cal.add(ticket.sla_since, offset - ticket.sla_banked_seconds)


def windows(ticket: Ticket, rules: TicketRules) -> tuple[int, int]:
    window = rules.sla[ticket.severity]
    return window.accept_minutes * 60, window.resolve_minutes * 60


def plan(ticket: Ticket, rules: TicketRules, cal: Calendar) -> list[Step]:
    """Every step still to come for this ticket, earliest first."""
    status = TicketStatus(ticket.status)
    if status == TicketStatus.RESOLVED and ticket.resolved_at is not None:
        return [Step("auto_close", ticket.resolved_at + timedelta(days=rules.auto_close_days))]
    if status not in (TicketStatus.OPEN, TicketStatus.IN_PROGRESS) or ticket.sla_since is None:
        return []
    accept, resolve = windows(ticket, rules)
    accepted = status == TicketStatus.IN_PROGRESS
    share = rules.escalation.warn_percent / 100
    marks: list[tuple[float, Step]] = []

    def add(offset: float, kind: str, **extra: object) -> None:
        at = instant(ticket, cal, offset)
        if at is not None:
            marks.append((offset, Step(kind, at, **extra)))  # type: ignore[arg-type]

    if not accepted and not ticket.warned_accept:
        add(ticket.accept_from_seconds + share * accept, "warn_accept")
    if not ticket.warned_resolve:
        add(share * resolve, "warn_resolve")
    previous, top = 0.0, None
    for number, level in enumerate(rules.escalation.levels, start=2):
        candidates = []
        if not accepted and level.not_accepted_after is not None:
            candidates.append((ticket.accept_from_seconds + accept + level.not_accepted_after * 60,
                               "not_accepted"))
        if level.not_resolved_after is not None:
            candidates.append((resolve + level.not_resolved_after * 60, "not_resolved"))
        if not candidates:
            continue
        offset, reason = min(candidates)
        offset = previous = max(offset, previous)   # levels are reached in order
        top = (offset, reason, number)
        if ticket.escalation_level < number:
            add(offset, "escalate", level=number, reason=reason)
    if top is not None and ticket.escalation_level >= top[2]:
        done = ticket.escalation_repeats
        if done < rules.escalation.repeat_times:
            add(top[0] + (done + 1) * rules.escalation.repeat_every_minutes * 60, "repeat",
                level=top[2], reason=top[1], number=done + 1)
    return [step for _, step in sorted(marks, key=lambda item: (item[0], item[1].kind))]


def skip_missed_repeats(ticket: Ticket, rules: TicketRules, cal: Calendar, now: datetime) -> int:
    """After a repeat is performed: reminders that fell due meanwhile (downtime) are not sent
    one after another; the count jumps to the latest due one. Returns the repeat number."""
    while True:
        following = next((s for s in plan(ticket, rules, cal) if s.kind == "repeat"), None)
        if following is None or following.at > now:
            return ticket.escalation_repeats
        ticket.escalation_repeats = following.number


def due_steps(ticket: Ticket, rules: TicketRules, cal: Calendar, now: datetime) -> list[Step]:
    return [step for step in plan(ticket, rules, cal) if step.at <= now]


def refresh(ticket: Ticket, rules: TicketRules, cal: Calendar) -> None:
    """Recompute the deadlines shown on the card and the next moment the scheduler looks."""
    if ticket.sla_since is not None:
        accept, resolve = windows(ticket, rules)
        ticket.accept_due_at = instant(ticket, cal, ticket.accept_from_seconds + accept)
        ticket.resolve_due_at = instant(ticket, cal, resolve)
    steps = plan(ticket, rules, cal)
    ticket.next_due_at = min((s.at for s in steps), default=None)


def start(ticket: Ticket, now: datetime) -> None:
    """A fresh cycle: at report, and when the reporter says it is not solved."""
    ticket.sla_banked_seconds, ticket.sla_since, ticket.accept_from_seconds = 0, now, 0
    ticket.warned_accept = ticket.warned_resolve = False
    ticket.escalation_level, ticket.escalation_repeats = 1, 0
    ticket.paused_reason = None


def pause(ticket: Ticket, cal: Calendar, now: datetime, reason: str) -> None:
    ticket.sla_banked_seconds = int(round(elapsed(ticket, cal, now)))
    ticket.sla_since, ticket.paused_reason = None, reason


def resume(ticket: Ticket, now: datetime) -> None:
    ticket.sla_since, ticket.paused_reason = now, None


def restart_accept(ticket: Ticket, cal: Calendar, now: datetime) -> None:
    """A new assignee gets a whole accept window; the resolve deadline stays the customer's."""
    ticket.accept_from_seconds = int(round(elapsed(ticket, cal, now)))
    ticket.warned_accept = False


def overdue(ticket: Ticket, now: datetime) -> bool:
    if ticket.sla_since is None:
        return False
    late_accept = (ticket.status == TicketStatus.OPEN and ticket.accept_due_at is not None
                   and ticket.accept_due_at < now)
    return late_accept or (ticket.resolve_due_at is not None and ticket.resolve_due_at < now)
