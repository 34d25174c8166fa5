"""Service figures (工单服务): tickets opened and closed, the typical problems, how fast they
are accepted and resolved, SLA compliance, escalations, reopens, satisfaction and the work per
assignee. Every definition is here, once; the card, the cockpit, the export and the pushed
reports all show these."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from domain.reports.periods import Period
from domain.reports.stats import hours, mean, p90, percent
from domain.store.repos.reports import EscalationRow, SurveyRow, TicketRow

OPEN = ("open", "in_progress")


def resolved_on_time(ticket: TicketRow) -> bool | None:
    """Whether a resolved ticket met its SLA: its first response (accepted, or resolved without
    being accepted) came by the accept deadline and it was resolved by the resolve deadline.
    The deadlines are the ticket's own, moved by pauses and reassignment as the SLA clock
    moved them (domain/tickets/sla.py). None while it is not resolved. Worked out by the
    database as each row is read (domain/store/repos/reports.py met_sla, the one definition),
    so a trend's counts, added up there, follow the same rule."""
    return None if ticket.resolved_at is None else bool(ticket.sla_met)


def sla_counted(ticket: TicketRow, period: Period) -> bool | None:
    """How the ticket counts for the period's SLA compliance: True (met) or False (missed)
    when it was resolved in the period, False when it is still unresolved and its resolve
    deadline fell in the period, None when it does not count there. A ticket counts in one
    period only: the one it was resolved in, or, unresolved, the one its deadline fell in."""
    if period.holds(ticket.resolved_at):
        return resolved_on_time(ticket)
    if ticket.resolved_at is None and ticket.status in OPEN and period.holds(ticket.resolve_due_at):
        return False
    return None


@dataclass(frozen=True)
class Assignee:
    person_id: int
    resolved: int
    resolve_hours: float | None


@dataclass(frozen=True)
class ServiceFigures:
    opened: int
    resolved: int
    closed: int
    by_category: dict[str, int]
    by_severity: dict[str, int]
    accept_hours: float | None          # average, report -> accepted, of tickets opened
    accept_hours_p90: float | None
    resolve_hours: float | None         # average, report -> resolved, of tickets resolved
    resolve_hours_p90: float | None
    sla_met: int
    sla_counted: int
    sla_percent: float | None
    escalations: dict[int, int]         # level -> escalations to it in the period
    reopen_rate: float | None           # % of tickets closed in the period that were ever reopened
    csat: float | None                  # average 1–5 score of answers given in the period
    csat_answers: int
    csat_sent: int
    csat_answer_rate: float | None      # % of surveys sent in the period that are answered
    assignees: list[Assignee] = field(default_factory=list)
    per_assignee: float | None = None   # tickets resolved per person who resolved any
    missed: list[TicketRow] = field(default_factory=list)   # SLA missed, most recent first


def service_figures(tickets: list[TicketRow], escalations: list[EscalationRow],
                    surveys: list[SurveyRow], period: Period) -> ServiceFigures:
    """One pass over the tickets (a year of them is read for a trend: no per-figure loops)."""
    start, end = period.start, period.end
    opened, resolved, closed, counted = [], [], [], []
    for t in tickets:
        if start <= t.created_at < end:
            opened.append(t)
        moment = t.resolved_at
        if moment is not None and start <= moment < end:
            resolved.append(t)
            counted.append((t, resolved_on_time(t)))
        elif moment is None and t.resolve_due_at is not None and start <= t.resolve_due_at < end:
            met = sla_counted(t, period)   # unresolved, its deadline in the period: the same rule
            if met is not None:
                counted.append((t, met))
        if t.closed_at is not None and start <= t.closed_at < end:
            closed.append(t)
    accept = [hours((t.accepted_at - t.created_at).total_seconds()) for t in opened if t.accepted_at]
    resolve = [hours((t.resolved_at - t.created_at).total_seconds()) for t in resolved]
    met = sum(1 for _, ok in counted if ok)
    missed = sorted((t for t, ok in counted if not ok), key=lambda t: (t.resolve_due_at or t.created_at),
                    reverse=True)
    levels = Counter(int(e.data.get("level", 0)) for e in escalations if start <= e.at < end)
    answered = [s.score for s in surveys if s.score is not None and s.answered_at is not None
                and start <= s.answered_at < end]
    sent = [s for s in surveys if start <= s.sent_at < end]
    per_person: dict[int, list[float]] = {}
    for t in resolved:
        if t.assignee_id is not None:
            per_person.setdefault(t.assignee_id, []).append(hours((t.resolved_at - t.created_at).total_seconds()))
    assignees = sorted((Assignee(pid, len(h), mean(h)) for pid, h in per_person.items()),
                       key=lambda a: (-a.resolved, a.person_id))
    return ServiceFigures(
        opened=len(opened), resolved=len(resolved), closed=len(closed),
        by_category=dict(Counter(t.category for t in opened).most_common()),
        by_severity=dict(Counter(t.severity for t in opened).most_common()),
        accept_hours=mean(accept), accept_hours_p90=p90(accept),
        resolve_hours=mean(resolve), resolve_hours_p90=p90(resolve),
        sla_met=met, sla_counted=len(counted), sla_percent=percent(met, len(counted)),
        escalations=dict(sorted(levels.items())),
        reopen_rate=percent(sum(1 for t in closed if t.reopen_count > 0), len(closed)),
        csat=mean(answered), csat_answers=len(answered), csat_sent=len(sent),
        csat_answer_rate=percent(sum(1 for s in sent if s.score is not None), len(sent)),
        assignees=assignees,
        per_assignee=round(sum(a.resolved for a in assignees) / len(assignees), 1) if assignees else None,
        missed=missed)
