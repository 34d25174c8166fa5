"""Ticket use cases: report, accept, reassign, resolve. Time comes in as `now`."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from domain.access import Action, require
from domain.enums import OPEN_STATUSES, STAFF_ROLES, Category, Role, Severity, TicketStatus
from domain.errors import InvalidInput, InvalidTransition, NotFound
from domain.store.models import Person, Project, Ticket, TicketAttachment, TicketEvent
from domain.store.uow import Tx
from domain.tickets.rules import TicketRules, assignee_role, guess_category, guess_severity, sla_due

TITLE_MAX = 40
_TITLE_END = re.compile(r"[，,。.;；!！?？\n]")


@dataclass(frozen=True)
class Origin:
    """Where an action came from, for the timeline and the audit log."""
    platform: str | None
    chat_id: str | None = None
    message_ref: str | None = None


@dataclass(frozen=True)
class NewAttachment:
    kind: str  # image | location | file
    ref: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)


def make_title(text: str) -> str:
    """The first clause of the report, if it says enough; else the start of the text."""
    text = " ".join(text.split()) if "\n" not in text else text.strip()
    head = _TITLE_END.split(text, maxsplit=1)[0].strip()
    title = head if len(head) >= 4 else text
    return title[:TITLE_MAX]


async def report(tx: Tx, rules: TicketRules, reporter: Person, project: Project, text: str,
                 now: datetime, origin: Origin,
                 attachments: list[NewAttachment] = ()) -> Ticket:  # type: ignore[assignment]
    await require(tx, reporter, Action.REPORT_TICKET, project_id=project.id)
    text = text.strip()
    if not text and not attachments:
        raise InvalidInput("error.report_empty")
    category, severity = guess_category(text, rules), guess_severity(text, rules)
    assignee = await _assignee_for(tx, project, category, rules)
    accept_due, resolve_due = sla_due(severity, now, rules)
    location = next((a.meta for a in attachments if a.kind == "location"), None)
    ticket = Ticket(project_id=project.id, title=make_title(text) or "(图片)", description=text,
                    category=category.value, severity=severity.value, status=TicketStatus.OPEN.value,
                    reporter_id=reporter.id, assignee_id=assignee.id if assignee else None,
                    accept_due_at=accept_due, resolve_due_at=resolve_due,
                    source_platform=origin.platform, source_chat_id=origin.chat_id,
                    location=location, created_at=now, updated_at=now)
    tx.add(ticket)
    await tx.flush()
    for item in attachments:
        tx.add(TicketAttachment(ticket_id=ticket.id, kind=item.kind, platform=origin.platform,
                                ref=item.ref, meta=item.meta, created_at=now))
    _record(tx, ticket, reporter, "created", now, origin,
            {"category": category.value, "severity": severity.value,
             "assignee_id": ticket.assignee_id})
    return ticket


async def _assignee_for(tx: Tx, project: Project, category: Category,
                        rules: TicketRules) -> Person | None:
    role = assignee_role(category, rules, project.assignment_rules)
    person = await tx.projects.first_with_role(project.id, role)
    if person is None:  # nobody holds that role on this project: the manager takes it
        person = await tx.projects.first_with_role(project.id, Role.PROJECT_MANAGER)
    return person


async def visible_ticket(tx: Tx, actor: Person, ticket_id: int) -> Ticket:
    ticket = await tx.tickets.get(ticket_id)
    if ticket is None:
        raise NotFound("error.ticket_not_found", number=f"T-{ticket_id}")
    await require(tx, actor, Action.VIEW_TICKET, ticket=ticket)
    return ticket


async def accept(tx: Tx, actor: Person, ticket_id: int, now: datetime, origin: Origin) -> bool:
    """True when accepted now; False when this person had already accepted it (a repeat click)."""
    ticket = await _existing(tx, ticket_id)
    await require(tx, actor, Action.ACCEPT_TICKET, ticket=ticket)
    if ticket.status == TicketStatus.IN_PROGRESS and ticket.assignee_id == actor.id:
        return False
    _expect(ticket, {TicketStatus.OPEN})
    ticket.status, ticket.accepted_at, ticket.updated_at = TicketStatus.IN_PROGRESS.value, now, now
    _record(tx, ticket, actor, "accepted", now, origin, {})
    await tx.flush()
    return True


async def reassign_candidates(tx: Tx, actor: Person, ticket_id: int) -> tuple[Ticket, list[Person]]:
    """Project staff the ticket can go to (not customers, not the current assignee)."""
    ticket = await _existing(tx, ticket_id)
    await require(tx, actor, Action.REASSIGN_TICKET, ticket=ticket)
    _expect(ticket, OPEN_STATUSES)
    seen: dict[int, Person] = {}
    for person, role in await tx.projects.members(ticket.project_id):
        if role in STAFF_ROLES and person.id != ticket.assignee_id:
            seen.setdefault(person.id, person)
    return ticket, list(seen.values())


async def reassign(tx: Tx, actor: Person, ticket_id: int, target_id: int, now: datetime,
                   origin: Origin, rules: TicketRules) -> Ticket:
    ticket, candidates = await reassign_candidates(tx, actor, ticket_id)
    target = next((p for p in candidates if p.id == target_id), None)
    if target is None:
        raise InvalidInput("error.reassign_target")
    previous = ticket.assignee_id
    window = rules.sla[ticket.severity]
    # The new assignee gets a fresh accept window; the resolve deadline stays the customer's.
    ticket.assignee_id, ticket.status = target.id, TicketStatus.OPEN.value
    ticket.accepted_at, ticket.updated_at = None, now
    ticket.accept_due_at = now + timedelta(minutes=window.accept_minutes)
    _record(tx, ticket, actor, "reassigned", now, origin, {"from": previous, "to": target.id})
    await tx.flush()
    return ticket


async def resolve(tx: Tx, actor: Person, ticket_id: int, now: datetime, origin: Origin) -> bool:
    """True when resolved now; False on a repeat click after it was already resolved."""
    ticket = await _existing(tx, ticket_id)
    await require(tx, actor, Action.RESOLVE_TICKET, ticket=ticket)
    if ticket.status == TicketStatus.RESOLVED:
        return False
    _expect(ticket, OPEN_STATUSES)
    ticket.status, ticket.resolved_at, ticket.updated_at = TicketStatus.RESOLVED.value, now, now
    _record(tx, ticket, actor, "resolved", now, origin, {})
    await tx.flush()
    return True


async def _existing(tx: Tx, ticket_id: int) -> Ticket:
    ticket = await tx.tickets.get(ticket_id)
    if ticket is None:
        raise NotFound("error.ticket_not_found", number=f"T-{ticket_id}")
    return ticket


def _expect(ticket: Ticket, statuses: set[TicketStatus] | frozenset[TicketStatus]) -> None:
    if TicketStatus(ticket.status) not in statuses:
        raise InvalidTransition("error.ticket_state", number=ticket.number, status=ticket.status)


def _record(tx: Tx, ticket: Ticket, actor: Person, kind: str, now: datetime, origin: Origin,
            data: dict[str, Any]) -> None:
    tx.add(TicketEvent(ticket_id=ticket.id, at=now, actor_id=actor.id, kind=kind,
                       data={**data, "platform": origin.platform}))
    tx.audit.append(at=now, actor_id=actor.id, platform=origin.platform, action=f"ticket.{kind}",
                    subject_type="ticket", subject_id=ticket.number, data=data,
                    message_ref=origin.message_ref)


__all__ = ["NewAttachment", "Origin", "Severity", "accept", "make_title", "reassign",
           "reassign_candidates", "report", "resolve", "visible_ticket"]
