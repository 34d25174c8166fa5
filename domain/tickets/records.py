"""What every ticket use case shares: where an action came from, loading a ticket, checking
its state, and writing the change to the timeline and the audit log."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from domain.enums import TicketStatus
from domain.errors import InvalidTransition, NotFound
from domain.store.models import Person, Ticket, TicketEvent
from domain.store.uow import Tx
from domain.tickets import sla
from domain.tickets.calendar import Calendar
from domain.tickets.rules import TicketRules


@dataclass(frozen=True)
class Origin:
    """Where an action came from, for the timeline and the audit log."""
    platform: str | None
    chat_id: str | None = None
    message_ref: str | None = None


SCHEDULER = Origin("scheduler")


@dataclass(frozen=True)
class NewAttachment:
    kind: str  # image | location | file
    ref: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Policy:
    """The configured rules and the time zone their calendars are read in."""
    rules: TicketRules
    tz: ZoneInfo

    async def calendar(self, tx: Tx, ticket: Ticket) -> Calendar:
        project = await tx.projects.get(ticket.project_id)
        return self.rules.calendar_for(project.calendar if project else None, self.tz)

    async def refresh(self, tx: Tx, ticket: Ticket) -> None:
        sla.refresh(ticket, self.rules, await self.calendar(tx, ticket))


async def existing(tx: Tx, ticket_id: int) -> Ticket:
    ticket = await tx.tickets.get(ticket_id)
    if ticket is None:
        raise NotFound("error.ticket_not_found", number=f"T-{ticket_id}")
    return ticket


def expect(ticket: Ticket, statuses: set[TicketStatus] | frozenset[TicketStatus]) -> None:
    if TicketStatus(ticket.status) not in statuses:
        raise InvalidTransition("error.ticket_state", number=ticket.number, status=ticket.status)


def record(tx: Tx, ticket: Ticket, actor: Person | None, kind: str, now: datetime, origin: Origin,
           data: dict[str, Any]) -> None:
    """One state change: a timeline entry and an audit line (who, when, from where, what)."""
    actor_id = actor.id if actor else None
    tx.add(TicketEvent(ticket_id=ticket.id, at=now, actor_id=actor_id, kind=kind,
                       data={**data, "platform": origin.platform}))
    tx.audit.append(at=now, actor_id=actor_id, platform=origin.platform, action=f"ticket.{kind}",
                    subject_type="ticket", subject_id=ticket.number, data=data,
                    message_ref=origin.message_ref)
    ticket.updated_at = now
