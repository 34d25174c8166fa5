"""Tickets (工单), their timeline and attachments."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from domain.store.base import Base


class Ticket(Base):
    __tablename__ = "tickets"
    __table_args__ = (
        Index("ix_tickets_assignee_status", "assignee_id", "status"),
        Index("ix_tickets_project_status", "project_id", "status"),
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
    location: Mapped[dict[str, Any] | None] = mapped_column(default=None)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    # Optimistic lock: two clicks racing on the same ticket cannot both win.
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

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
