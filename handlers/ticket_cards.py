"""Ticket cards: the live ticket card (redrawn wherever it was posted) and the lists."""
from __future__ import annotations

from domain.enums import Severity, TicketStatus
from domain.store.models import Person, Ticket
from domain.store.uow import Tx
from handlers.cards import Button, Card, Field, Fields, Markdown, Note
from handlers.context import Deps

_COLOUR = {Severity.HIGH: "red", Severity.MEDIUM: "orange", Severity.LOW: "blue"}


def ticket_key(ticket_id: int) -> str:
    return f"ticket:{ticket_id}"


async def ticket_card(tx: Tx, deps: Deps, ident: str, locale: str) -> Card | None:
    ticket = await tx.tickets.get(int(ident))
    if ticket is None:
        return None
    project = await tx.projects.get(ticket.project_id)
    assignee = await tx.people.get(ticket.assignee_id) if ticket.assignee_id else None
    reporter = await tx.people.get(ticket.reporter_id)
    return build_ticket_card(deps, locale, ticket, f"{project.code} {project.name}", assignee, reporter)


def build_ticket_card(deps: Deps, locale: str, ticket: Ticket, project_label: str,
                      assignee: Person | None, reporter: Person | None) -> Card:
    def t(key: str, **params: object) -> str:
        return deps.t(locale, key, **params)

    status = TicketStatus(ticket.status)
    nobody = t("ticket.nobody")
    due_label, due_at = ((t("ticket.accept_due"), ticket.accept_due_at) if status == TicketStatus.OPEN
                         else (t("ticket.resolve_due"), ticket.resolve_due_at))
    fields = [
        Field(t("ticket.project"), project_label, short=False),
        Field(t("ticket.category"), t(f"category.{ticket.category}")),
        Field(t("ticket.severity"), t(f"severity.{ticket.severity}")),
        Field(t("ticket.assignee"), assignee.name if assignee else nobody),
        Field(t("ticket.reporter"), reporter.name if reporter else nobody),
        Field(due_label, deps.local(due_at)),
        Field(t("ticket.status"), t(f"status.{ticket.status}")),
    ]
    blocks: list = [Fields(tuple(fields))]
    if ticket.description and ticket.description != ticket.title:
        blocks.append(Markdown(ticket.description))
    blocks.append(Note(status_line(deps, locale, ticket, assignee)))
    colour = {TicketStatus.RESOLVED: "green", TicketStatus.CLOSED: "grey"}.get(
        status, _COLOUR[Severity(ticket.severity)])
    return Card(title=t("ticket.title", number=ticket.number, title=ticket.title), colour=colour,
                blocks=tuple(blocks), actions=_buttons(t, ticket, status),
                card_key=ticket_key(ticket.id))


def status_line(deps: Deps, locale: str, ticket: Ticket, assignee: Person | None) -> str:
    """"处理中 · 王工 · 14:02" — who holds it now and since when."""
    name = assignee.name if assignee else deps.t(locale, "ticket.nobody")
    since = {TicketStatus.IN_PROGRESS: ticket.accepted_at, TicketStatus.RESOLVED: ticket.resolved_at,
             TicketStatus.CLOSED: ticket.closed_at}.get(TicketStatus(ticket.status), ticket.updated_at)
    return deps.t(locale, f"ticket.line.{ticket.status}", name=name,
                  time=deps.local(since, "%H:%M"))


def _buttons(t, ticket: Ticket, status: TicketStatus) -> tuple[Button, ...]:  # noqa: ANN001
    value = {"ticket": ticket.id}
    accept = Button(t("ticket.btn.accept"), "ticket.accept", value, "primary")
    reassign = Button(t("ticket.btn.reassign"), "ticket.reassign", value)
    resolve = Button(t("ticket.btn.resolve"), "ticket.resolve", value)
    if status == TicketStatus.OPEN:
        return accept, reassign, resolve
    if status == TicketStatus.IN_PROGRESS:
        return reassign, resolve
    return ()


def ticket_list_card(deps: Deps, locale: str, tickets: list[Ticket], me: Person) -> Card:
    def t(key: str, **params: object) -> str:
        return deps.t(locale, key, **params)

    if not tickets:
        return Card(t("mine.title"), "green", (Markdown(t("mine.empty")),))
    lines = []
    for ticket in tickets:
        role = t("mine.assigned") if ticket.assignee_id == me.id else t("mine.reported")
        due = ticket.accept_due_at if ticket.status == TicketStatus.OPEN else ticket.resolve_due_at
        lines.append(t("mine.line", number=ticket.number, title=ticket.title, role=role,
                       status=t(f"status.{ticket.status}"), due=deps.local(due)))
    return Card(t("mine.title_count", count=len(tickets)), "blue", (Markdown("\n".join(lines)),
                Note(t("mine.hint"))))
