"""After the first response: pause and resume the SLA clock, 确认解决 / 未解决, closing (by
the confirmer or automatically) and 接管 by someone the ticket was escalated to."""
from __future__ import annotations

from datetime import datetime

from domain.access import Action, require
from domain.enums import OPEN_STATUSES, TicketStatus
from domain.errors import InvalidInput
from domain.store.models import Person, Ticket, TicketSurvey
from domain.store.uow import Tx
from domain.tickets import sla
from domain.tickets.records import Origin, Policy, existing, expect, record

PAUSE_REASONS = ("customer", "material")


async def pause(tx: Tx, policy: Policy, actor: Person, ticket_id: int, reason: str, now: datetime,
                origin: Origin) -> bool:
    """Stop the clock while waiting on the customer or on material. False if already paused."""
    if reason not in PAUSE_REASONS:
        raise InvalidInput("error.stale_button")
    ticket = await existing(tx, ticket_id)
    await require(tx, actor, Action.PAUSE_TICKET, ticket=ticket)
    expect(ticket, {TicketStatus.IN_PROGRESS})
    if ticket.sla_since is None:
        return False
    sla.pause(ticket, await policy.calendar(tx, ticket), now, reason)
    record(tx, ticket, actor, "paused", now, origin,
           {"reason": reason, "used_seconds": ticket.sla_banked_seconds})
    await policy.refresh(tx, ticket)
    await tx.flush()
    return True


async def resume(tx: Tx, policy: Policy, actor: Person, ticket_id: int, now: datetime,
                 origin: Origin) -> bool:
    """Start the clock again where it stopped; every deadline moves by the paused time."""
    ticket = await existing(tx, ticket_id)
    await require(tx, actor, Action.PAUSE_TICKET, ticket=ticket)
    expect(ticket, {TicketStatus.IN_PROGRESS})
    if ticket.sla_since is not None:
        return False
    reason = ticket.paused_reason
    sla.resume(ticket, now)
    record(tx, ticket, actor, "resumed", now, origin, {"reason": reason})
    await policy.refresh(tx, ticket)
    await tx.flush()
    return True


async def confirm(tx: Tx, policy: Policy, actor: Person, ticket_id: int, solved: bool,
                  now: datetime, origin: Origin) -> tuple[Ticket, TicketSurvey | None]:
    """确认解决 closes the ticket (and returns the survey to send); 未解决 reopens it with a
    fresh SLA for the same assignee."""
    ticket = await existing(tx, ticket_id)
    await require(tx, actor, Action.CONFIRM_TICKET, ticket=ticket)
    expect(ticket, {TicketStatus.RESOLVED})
    if solved:
        return ticket, await close(tx, policy, ticket, actor, "confirmed", now, origin)
    sla.start(ticket, now)
    ticket.status, ticket.resolved_at = TicketStatus.IN_PROGRESS.value, None
    ticket.accepted_at = ticket.accepted_at or now
    ticket.reopen_count += 1
    record(tx, ticket, actor, "reopened", now, origin, {"times": ticket.reopen_count})
    await policy.refresh(tx, ticket)
    await tx.flush()
    return ticket, None


async def close(tx: Tx, policy: Policy, ticket: Ticket, actor: Person | None, reason: str,
                now: datetime, origin: Origin) -> TicketSurvey:
    """Close a resolved ticket and open its satisfaction survey for the reporter."""
    expect(ticket, {TicketStatus.RESOLVED})
    ticket.status, ticket.closed_at, ticket.closed_reason = TicketStatus.CLOSED.value, now, reason
    record(tx, ticket, actor, "closed" if reason == "confirmed" else "auto_closed", now, origin,
           {"reason": reason})
    await policy.refresh(tx, ticket)
    survey = await tx.tickets.survey(ticket.id)
    if survey is None:
        survey = TicketSurvey(ticket_id=ticket.id, project_id=ticket.project_id,
                              assignee_id=ticket.assignee_id, respondent_id=ticket.reporter_id,
                              sent_at=now)
        tx.add(survey)
    await tx.flush()
    return survey


def escalation_roles(policy: Policy, ticket: Ticket) -> frozenset[str]:
    """Roles of every level the ticket has been escalated to (they may 接管)."""
    reached = policy.rules.escalation.levels[:max(ticket.escalation_level - 1, 0)]
    return frozenset(role for level in reached for role in level.notify)


async def take_over(tx: Tx, policy: Policy, actor: Person, ticket_id: int, now: datetime,
                    origin: Origin) -> bool:
    """接管: someone at a level the ticket reached makes it theirs, accepted at once.
    False when they already hold it."""
    ticket = await existing(tx, ticket_id)
    await require(tx, actor, Action.TAKE_OVER_TICKET, ticket=ticket,
                  escalation_roles=escalation_roles(policy, ticket))
    expect(ticket, OPEN_STATUSES)
    if ticket.assignee_id == actor.id and ticket.status == TicketStatus.IN_PROGRESS:
        return False
    previous = ticket.assignee_id
    ticket.assignee_id, ticket.status = actor.id, TicketStatus.IN_PROGRESS.value
    ticket.accepted_at = now
    record(tx, ticket, actor, "taken_over", now, origin,
           {"from": previous, "level": ticket.escalation_level})
    await policy.refresh(tx, ticket)
    await tx.flush()
    return True
