"""Tickets (工单), their timeline and attachments."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, text
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column

from domain.store.base import Base


class Ticket(Base):
    __tablename__ = "tickets"
    __table_args__ = (
        Index("ix_tickets_assignee_status", "assignee_id", "status"),
        Index("ix_tickets_project_status", "project_id", "status"),
        Index("ix_tickets_project_visibility", "project_id", "visibility"),
        Index("ix_tickets_source_message", "source_platform", "source_message_id"),   # recalls
        # The scheduler's scan: only tickets with something still to come are in it, so its
        # cost follows the number of due tickets, not the table.
        Index("ix_tickets_next_due", "next_due_at", postgresql_where=text("next_due_at IS NOT NULL"),
              sqlite_where=text("next_due_at IS NOT NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(String(4000))
    category: Mapped[str] = mapped_column(String(20))  # Category
    severity: Mapped[str] = mapped_column(String(10))  # Severity
    status: Mapped[str] = mapped_column(String(20))    # TicketStatus
    reporter_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"))
    accept_due_at: Mapped[datetime | None]
    resolve_due_at: Mapped[datetime | None]
    accepted_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    source_platform: Mapped[str | None] = mapped_column(String(20))
    source_chat_id: Mapped[str | None] = mapped_column(String(128))
    # The platform message the report was (Message.message_id), and when it was withdrawn on
    # the platform (domain/site/recalls.py).
    source_message_id: Mapped[str | None] = mapped_column(String(191), default=None)
    source_recalled_at: Mapped[datetime | None] = mapped_column(default=None)
    location: Mapped[dict[str, Any] | None] = mapped_column(default=None)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    # The SLA clock (domain/tickets/sla.py): seconds banked before the last pause, and since
    # when it runs (None while paused or stopped); where the current accept window began.
    sla_banked_seconds: Mapped[int] = mapped_column(default=0)
    sla_since: Mapped[datetime | None]
    accept_from_seconds: Mapped[int] = mapped_column(default=0)
    paused_reason: Mapped[str | None] = mapped_column(String(20))  # customer | material
    escalation_level: Mapped[int] = mapped_column(default=1)       # 1 = the assignee
    escalation_repeats: Mapped[int] = mapped_column(default=0)
    warned_accept: Mapped[bool] = mapped_column(default=False)
    warned_resolve: Mapped[bool] = mapped_column(default=False)
    next_due_at: Mapped[datetime | None]
    reopen_count: Mapped[int] = mapped_column(default=0)
    # Who confirms the fix: the reporter, or the customer contact for customer-raised tickets.
    confirmer_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"))
    closed_reason: Mapped[str | None] = mapped_column(String(20))  # confirmed | auto
    # TicketVisibility: "internal", "customer" (raised by the customer side) or "shared".
    visibility: Mapped[str] = mapped_column(String(10), default="internal", server_default="internal")
    # Optimistic lock: two clicks racing on the same ticket cannot both win.
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    @hybrid_property
    def customer_visible(self) -> bool:
        """Whether the customer may see this ticket: the one definition, for Python and for
        queries alike (`Ticket.customer_visible` is the SQL condition)."""
        return self.visibility != "internal"

    @property
    def number(self) -> str:
        return f"T-{self.id}"


class TicketEvent(Base):
    """The ticket's timeline: created, accepted, reassigned, resolved …"""

    __tablename__ = "ticket_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    at: Mapped[datetime]
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"))
    kind: Mapped[str] = mapped_column(String(30))
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)


class TicketAttachment(Base):
    __tablename__ = "ticket_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # image | location | file
    platform: Mapped[str | None] = mapped_column(String(20))
    ref: Mapped[str | None] = mapped_column(String(300))  # platform resource key / stored path
    meta: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime]


class TicketSurvey(Base):
    """The satisfaction answer for one closed ticket, kept with its project and assignee so
    results can be summed per ticket, project and person."""

    __tablename__ = "ticket_surveys"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), unique=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"), index=True)
    respondent_id: Mapped[int] = mapped_column(ForeignKey("persons.id"))
    score: Mapped[int | None]          # 1..5, None until answered
    comment: Mapped[str | None] = mapped_column(String(1000))
    sent_at: Mapped[datetime]
    answered_at: Mapped[datetime | None]


class ReportDraft(Base):
    """A report whose project was not clear (sent one-to-one by someone on several projects):
    kept until the sender picks the project on a card, so buttons carry only ids."""

    __tablename__ = "report_drafts"
    # "This person's draft in this chat", read for each photo or sentence capture judges
    # (migration 0014).
    __table_args__ = (Index("ix_report_drafts_person_chat", "person_id", "platform", "chat_id"),
                      Index("ix_report_drafts_source_message", "platform", "source_message_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"))
    platform: Mapped[str | None] = mapped_column(String(20))
    chat_id: Mapped[str | None] = mapped_column(String(128))
    text: Mapped[str] = mapped_column(String(4000))
    attachments: Mapped[list[Any]] = mapped_column(default=list)
    created_at: Mapped[datetime]
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"))  # once filed
    # The sentence's platform message (migration 0018): recalling it withdraws what it filed.
    source_message_id: Mapped[str | None] = mapped_column(String(191), default=None)
