"""Timed steps, as the scheduler performs them: the 75 % warning to the assignee, escalation
to the next level (项目部, then 总部), repeats at the top level, and closing a resolved ticket
nobody confirmed. Each step is performed at most once (the caller claims `step.key`)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from domain.enums import Role
from domain.store.models import Person, Ticket, TicketSurvey
from domain.store.uow import Tx
from domain.tickets import lifecycle, sla
from domain.tickets.records import SCHEDULER, Policy, record
from domain.tickets.rules import Level
from domain.tickets.sla import Step


@dataclass
class Outcome:
    """What a performed step means for people: who is told, and about which level."""
    step: Step
    ticket: Ticket
    people: list[Person] = field(default_factory=list)
    level: Level | None = None
    survey: TicketSurvey | None = None
    images: int | None = None   # the ticket's photo count, when the caller read it ahead


async def first_due(tx: Tx, policy: Policy, ticket: Ticket, now: datetime) -> Step | None:
    steps = sla.due_steps(ticket, policy.rules, await policy.calendar(tx, ticket), now)
    return steps[0] if steps else None


async def refresh_stale(tx: Tx, policy: Policy, ticket_id: int) -> None:
    """The ticket was found due but nothing is: recompute when to look next."""
    ticket = await tx.tickets.get(ticket_id)
    if ticket is not None:
        await policy.refresh(tx, ticket)
        await tx.flush()


@dataclass
class Holders:
    """Who holds which role, kept for the steps of one pass (read as they are first needed,
    or all at once beforehand): each project's members, and each org-wide role's holders."""
    members: dict[int, list[tuple[Person, Role]]] = field(default_factory=dict)
    org: dict[str, list[Person]] = field(default_factory=dict)


async def perform(tx: Tx, policy: Policy, ticket_id: int, key: str, now: datetime,
                  holders: Holders | None = None) -> Outcome | None:
    """Perform the due step whose key is `key`; None if it is no longer due (the ticket was
    accepted, paused or resolved since the scan). Either way the next due time is refreshed.
    The changes are written with the caller's transaction (or savepoint), so that a pass of
    many steps writes them together."""
    ticket = await tx.tickets.get(ticket_id)
    if ticket is None:
        return None
    cal = await policy.calendar(tx, ticket)
    step = next((s for s in sla.due_steps(ticket, policy.rules, cal, now)
                 if s.key(ticket.id) == key), None)
    if step is None:
        sla.refresh(ticket, policy.rules, cal)
        return None
    outcome = Outcome(step, ticket)
    if step.kind in ("warn_accept", "warn_resolve"):
        window = step.kind.removeprefix("warn_")
        setattr(ticket, step.kind.replace("warn_", "warned_"), True)
        assignee = await tx.people.get(ticket.assignee_id) if ticket.assignee_id else None
        outcome.people = [assignee] if assignee else []
        record(tx, ticket, None, "warned", now, SCHEDULER,
               {"window": window, "percent": policy.rules.escalation.warn_percent})
    elif step.kind in ("escalate", "repeat"):
        outcome.level = policy.rules.escalation.levels[step.level - 2]
        outcome.people = await level_people(tx, ticket, outcome.level, holders)
        if step.kind == "escalate":
            ticket.escalation_level = step.level
        else:
            ticket.escalation_repeats = step.number
            step = outcome.step = Step(step.kind, step.at, step.level, step.reason,
                                       sla.skip_missed_repeats(ticket, policy.rules, cal, now))
        record(tx, ticket, None, "escalated" if step.kind == "escalate" else "escalation_repeated",
               now, SCHEDULER, {"level": step.level, "reason": step.reason, "repeat": step.number,
                                "to": [p.id for p in outcome.people]})
    elif step.kind == "auto_close":
        outcome.survey = await lifecycle.close(tx, policy, ticket, None, "auto", now, SCHEDULER)
    sla.refresh(ticket, policy.rules, cal)
    return outcome


async def level_people(tx: Tx, ticket: Ticket, level: Level, holders: Holders | None = None) -> list[Person]:
    """Everyone a level names: holders of those roles on the ticket's project, and holders of
    those org-wide roles (部门主管, 总部客服)."""
    holders = holders or Holders()
    found: dict[int, Person] = {}
    members = holders.members.get(ticket.project_id)
    if members is None:
        members = holders.members[ticket.project_id] = await tx.projects.members(ticket.project_id)
    for role in level.notify:
        for person, held in members:
            if held == Role(role):
                found.setdefault(person.id, person)
        org = holders.org.get(role)
        if org is None:
            org = holders.org[role] = await tx.tickets.people_with_org_role(role)
        for person in org:
            found.setdefault(person.id, person)
    return list(found.values())
