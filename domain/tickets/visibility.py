"""Which tickets a customer may see: the one place that decides it.

A ticket is the customer's when the customer side raised it (in the project's customer group,
or a customer contact reported it) or when a manager shared it (`共享 T-12`); everything else
(a safety incident, a material shortage …) stays with the site team. The decision is stored on
the ticket (`Ticket.visibility`) when it is reported and when it is shared or unshared, so the
customer page, the digest and the customer's chats read one column (`Ticket.customer_visible`).
"""
from __future__ import annotations

from datetime import datetime

from domain.access import Action, require
from domain.enums import CUSTOMER_SIDE, Audience, Role, TicketVisibility
from domain.errors import InvalidInput, NotFound
from domain.store.models import ChatBinding, Person, Project, Ticket
from domain.store.uow import Tx
from domain.tickets.records import Origin, existing, record

# Org-wide roles that see every project's tickets, internal ones included.
_ORG_TICKET_ROLES = {Role.DEPT_HEAD.value, Role.HQ_SERVICE.value}


def customer_may_see(ticket: Ticket) -> bool:
    return bool(ticket.customer_visible)


def at_report(project: Project, binding: ChatBinding | None, reporter_roles: set[Role]) -> TicketVisibility:
    """Raised in the project's customer group (`binding`: the chat it was raised in), or by
    someone on the project's customer side (业主 or 监理, `reporter_roles` there): the customer's."""
    if (binding is not None and binding.project_id == project.id
            and binding.audience == Audience.CUSTOMER.value):
        return TicketVisibility.CUSTOMER
    if reporter_roles & CUSTOMER_SIDE:
        return TicketVisibility.CUSTOMER
    return TicketVisibility.INTERNAL


async def customer_side(tx: Tx, person: Person, project_id: int) -> bool:
    """Whether this person sees the project as its customer: on its customer side there (业主
    or 监理) and nothing more (no staff role on it, no org-wide ticket role, not an admin)."""
    if person.is_admin or set(person.org_roles or ()) & _ORG_TICKET_ROLES:
        return False
    roles = await tx.projects.roles_of(person.id, project_id)
    return bool(roles) and roles <= CUSTOMER_SIDE


async def check_viewer(tx: Tx, person: Person, ticket: Ticket) -> None:
    """A customer contact asking for an internal ticket of their project hears what anyone
    asking for a ticket that does not exist hears (its existence is internal too)."""
    if not customer_may_see(ticket) and await customer_side(tx, person, ticket.project_id):
        raise NotFound("error.ticket_not_found", number=ticket.number)


async def share(tx: Tx, actor: Person, ticket_id: int, now: datetime, origin: Origin) -> Ticket:
    """共享 T-12: the customer sees the ticket from now on (page, digest, their chats)."""
    return await _change(tx, actor, ticket_id, now, origin, TicketVisibility.SHARED, "share.already", "shared")


async def unshare(tx: Tx, actor: Person, ticket_id: int, now: datetime, origin: Origin) -> Ticket:
    """取消共享 T-12: back to the site team only. What the customer raised stays theirs."""
    return await _change(tx, actor, ticket_id, now, origin, TicketVisibility.INTERNAL, "share.not_shared",
                         "unshared")


async def _change(tx: Tx, actor: Person, ticket_id: int, now: datetime, origin: Origin,
                  to: TicketVisibility, already: str, event: str) -> Ticket:
    ticket = await existing(tx, ticket_id)
    await require(tx, actor, Action.SHARE_TICKET, ticket=ticket)
    visibility = TicketVisibility(ticket.visibility)
    if visibility is TicketVisibility.CUSTOMER:
        raise InvalidInput("share.raised_by_customer", number=ticket.number)
    if visibility is to:
        raise InvalidInput(already, number=ticket.number)
    ticket.visibility = to.value
    record(tx, ticket, actor, event, now, origin, {"visibility": [visibility.value, ticket.visibility]})
    await tx.flush()
    return ticket


async def customer_projects(tx: Tx, person: Person) -> list[Project] | None:
    """The projects of someone who is only ever on the customer side (a customer contact, with
    no staff role anywhere, no org-wide role, not an admin): their direct chat with the bot is
    customer-facing. None for everyone else."""
    if person.is_admin or person.org_roles:
        return None
    memberships = await tx.projects.memberships_of(person.id)
    if not memberships or any(role not in CUSTOMER_SIDE for _, role in memberships):
        return None
    return list({project.id: project for project, _ in memberships}.values())
