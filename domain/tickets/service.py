"""Ticket use cases up to 已解决: report, accept, reassign, resolve, correct category or
severity, add photos. Time comes in as `now`; every change is recorded (records.record) and
moves the SLA clock's next step (Policy.refresh)."""
from __future__ import annotations

import re
from datetime import datetime

from domain.access import Action, require
from domain.enums import (CUSTOMER_SIDE, OPEN_STATUSES, STAFF_ROLES, Audience, Category, Role, Severity,
                          TicketStatus)
from domain.errors import InvalidInput
from domain.store.models import ChatBinding, Person, Project, Ticket, TicketAttachment
from domain.store.uow import Tx
from domain.tickets import sla, visibility
from domain.tickets.records import NewAttachment, Origin, Policy, existing, expect, record
from domain.tickets.rules import TicketRules, assignee_role, guess_category, guess_severity

TITLE_MAX = 40
_TITLE_END = re.compile(r"[，,。.;；!！?？\n]")


def make_title(text: str) -> str:
    """The first clause of the report, if it says enough; else the start of the text."""
    text = " ".join(text.split()) if "\n" not in text else text.strip()
    head = _TITLE_END.split(text, maxsplit=1)[0].strip()
    title = head if len(head) >= 4 else text
    return title[:TITLE_MAX]


async def report(tx: Tx, policy: Policy, reporter: Person, project: Project, text: str,
                 now: datetime, origin: Origin,
                 attachments: list[NewAttachment] = (),  # type: ignore[assignment]
                 *, category: Category | None = None, severity: Severity | None = None) -> Ticket:
    """`category` / `severity`: what the reporter agreed to on a proposal card (a plain
    sentence turned into a report); otherwise guessed from the text."""
    await require(tx, reporter, Action.REPORT_TICKET, project_id=project.id)
    text = text.strip()
    if not text and not attachments:
        raise InvalidInput("error.report_empty")
    rules = policy.rules
    category = category or guess_category(text, rules)
    severity = severity or guess_severity(text, rules)
    assignee = await _assignee_for(tx, project, category, rules)
    location = next((a.meta for a in attachments if a.kind == "location"), None)
    binding = (await tx.projects.binding(origin.platform, origin.chat_id)
               if origin.platform and origin.chat_id else None)   # the chat it is raised in
    roles = await tx.projects.roles_of(reporter.id, project.id)
    ticket = Ticket(project_id=project.id, title=make_title(text) or "(图片)", description=text,
                    category=category.value, severity=severity.value, status=TicketStatus.OPEN.value,
                    reporter_id=reporter.id, assignee_id=assignee.id if assignee else None,
                    confirmer_id=await _confirmer(tx, project, reporter, binding, roles),
                    visibility=visibility.at_report(project, binding, roles).value,
                    source_platform=origin.platform, source_chat_id=origin.chat_id,
                    source_message_id=origin.message_ref,
                    location=location, created_at=now, updated_at=now)
    sla.start(ticket, now)
    await policy.refresh(tx, ticket)
    await tx.insert(ticket)   # one INSERT … RETURNING, not a flush (every report comes here)
    _attach(tx, ticket, attachments, origin, now)
    record(tx, ticket, reporter, "created", now, origin,
           {"category": category.value, "severity": severity.value,
            "assignee_id": ticket.assignee_id, "attachments": len(attachments),
            "visibility": ticket.visibility})
    return ticket


async def _confirmer(tx: Tx, project: Project, reporter: Person, binding: ChatBinding | None,
                     roles: set[Role]) -> int:
    """Staff reporting in the customer's group report for the customer: the customer confirms."""
    if binding and binding.audience == Audience.CUSTOMER.value and not roles & CUSTOMER_SIDE:
        contact = await tx.projects.first_with_role(project.id, Role.CUSTOMER_CONTACT)
        if contact is not None:
            return contact.id
    return reporter.id


async def _assignee_for(tx: Tx, project: Project, category: Category,
                        rules: TicketRules) -> Person | None:
    role = assignee_role(category, rules, project.assignment_rules)
    person = await tx.projects.first_with_role(project.id, role)
    if person is None:  # nobody holds that role on this project: the manager takes it
        person = await tx.projects.first_with_role(project.id, Role.PROJECT_MANAGER)
    return person


def _attach(tx: Tx, ticket: Ticket, attachments, origin: Origin, now: datetime) -> None:  # noqa: ANN001
    for item in attachments:
        tx.add(TicketAttachment(ticket_id=ticket.id, kind=item.kind, platform=origin.platform,
                                ref=item.ref, meta=item.meta, created_at=now))


async def visible_ticket(tx: Tx, actor: Person, ticket_id: int) -> Ticket:
    """The ticket, if this person may see it (a customer contact: only the customer's)."""
    ticket = await existing(tx, ticket_id)
    await require(tx, actor, Action.VIEW_TICKET, ticket=ticket)
    await visibility.check_viewer(tx, actor, ticket)
    return ticket


async def accept(tx: Tx, policy: Policy, actor: Person, ticket_id: int, now: datetime,
                 origin: Origin) -> bool:
    """True when accepted now; False when this person had already accepted it (a repeat click)."""
    ticket = await existing(tx, ticket_id)
    await require(tx, actor, Action.ACCEPT_TICKET, ticket=ticket)
    if ticket.status == TicketStatus.IN_PROGRESS and ticket.assignee_id == actor.id:
        return False
    expect(ticket, {TicketStatus.OPEN})
    ticket.status, ticket.accepted_at = TicketStatus.IN_PROGRESS.value, now
    record(tx, ticket, actor, "accepted", now, origin, {})
    await policy.refresh(tx, ticket)
    await tx.flush()
    return True


async def reassign_candidates(tx: Tx, actor: Person, ticket_id: int) -> tuple[Ticket, list[Person]]:
    """Project staff the ticket can go to (not customers, not the current assignee)."""
    ticket = await existing(tx, ticket_id)
    await require(tx, actor, Action.REASSIGN_TICKET, ticket=ticket)
    expect(ticket, OPEN_STATUSES)
    seen: dict[int, Person] = {}
    for person, role in await tx.projects.members(ticket.project_id):
        if role in STAFF_ROLES and person.id != ticket.assignee_id:
            seen.setdefault(person.id, person)
    return ticket, list(seen.values())


async def reassign(tx: Tx, policy: Policy, actor: Person, ticket_id: int, target_id: int,
                   now: datetime, origin: Origin) -> Ticket:
    ticket, candidates = await reassign_candidates(tx, actor, ticket_id)
    target = next((p for p in candidates if p.id == target_id), None)
    if target is None:
        raise InvalidInput("error.reassign_target")
    previous = ticket.assignee_id
    sla.restart_accept(ticket, await policy.calendar(tx, ticket), now)
    ticket.assignee_id, ticket.status, ticket.accepted_at = target.id, TicketStatus.OPEN.value, None
    record(tx, ticket, actor, "reassigned", now, origin, {"from": previous, "to": target.id})
    await policy.refresh(tx, ticket)
    await tx.flush()
    return ticket


async def resolve(tx: Tx, policy: Policy, actor: Person, ticket_id: int, now: datetime,
                  origin: Origin) -> bool:
    """True when resolved now; False on a repeat click after it was already resolved.
    The clock stops; the confirmer is asked, and no answer closes it after N days."""
    ticket = await existing(tx, ticket_id)
    await require(tx, actor, Action.RESOLVE_TICKET, ticket=ticket)
    if ticket.status == TicketStatus.RESOLVED:
        return False
    expect(ticket, OPEN_STATUSES)
    if ticket.sla_since is not None:
        sla.pause(ticket, await policy.calendar(tx, ticket), now, "")
    ticket.paused_reason = None
    ticket.status, ticket.resolved_at = TicketStatus.RESOLVED.value, now
    record(tx, ticket, actor, "resolved", now, origin, {})
    await policy.refresh(tx, ticket)
    await tx.flush()
    return True


async def correct(tx: Tx, policy: Policy, actor: Person, ticket_id: int, now: datetime,
                  origin: Origin, *, category: str | None = None,
                  severity: str | None = None) -> tuple[Ticket, Person | None]:
    """The reporter (or a manager) fixes the guessed category or severity. A new severity
    changes the SLA windows; a new category of a ticket nobody accepted yet re-runs the
    assignment rules. Returns the ticket and its new assignee when that changed."""
    ticket = await existing(tx, ticket_id)
    await require(tx, actor, Action.EDIT_TICKET, ticket=ticket)
    expect(ticket, OPEN_STATUSES)
    if category not in (None, *Category) or severity not in (None, *Severity):
        raise InvalidInput("error.stale_button")
    changes: dict[str, object] = {}
    new_assignee = None
    if severity and severity != ticket.severity:
        changes["severity"] = [ticket.severity, severity]
        ticket.severity = severity
    if category and category != ticket.category:
        changes["category"] = [ticket.category, category]
        ticket.category = category
        if ticket.status == TicketStatus.OPEN:
            project = await tx.projects.get(ticket.project_id)
            person = await _assignee_for(tx, project, Category(category), policy.rules)
            if person is not None and person.id != ticket.assignee_id:
                changes["assignee_id"] = [ticket.assignee_id, person.id]
                ticket.assignee_id, new_assignee = person.id, person
                sla.restart_accept(ticket, await policy.calendar(tx, ticket), now)
    if changes:
        record(tx, ticket, actor, "corrected", now, origin, changes)
        await policy.refresh(tx, ticket)
        await tx.flush()
    return ticket, new_assignee


async def attach(tx: Tx, actor: Person, ticket: Ticket, attachments: list[NewAttachment],
                 now: datetime, origin: Origin) -> None:
    """Photos or a location sent after the report join the reporter's ticket."""
    await require(tx, actor, Action.ATTACH_TICKET, ticket=ticket)
    expect(ticket, OPEN_STATUSES)
    _attach(tx, ticket, attachments, origin, now)
    location = next((a.meta for a in attachments if a.kind == "location"), None)
    if location and not ticket.location:
        ticket.location = location
    record(tx, ticket, actor, "attached", now, origin,
           {"images": sum(a.kind == "image" for a in attachments),
            "location": location is not None})
    await tx.flush()


__all__ = ["NewAttachment", "Origin", "Policy", "accept", "attach", "correct", "make_title",
           "reassign", "reassign_candidates", "report", "resolve", "visible_ticket"]
