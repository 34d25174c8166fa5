"""Change requests (变更) and their approval steps."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from domain.store.base import Base


class ChangeRequest(Base):
    __tablename__ = "change_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # ChangeKind
    title: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(String(2000))
    cost_delta: Mapped[Decimal | None]
    days_delta: Mapped[int | None]
    status: Mapped[str] = mapped_column(String(20))  # ApprovalStatus
    requester_id: Mapped[int] = mapped_column(ForeignKey("persons.id"))
    attachments: Mapped[list[Any]] = mapped_column(default=list)
    created_at: Mapped[datetime]
    decided_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(default=1)
    # Where it was raised (the requester's copy of the card lives there).
    source_platform: Mapped[str | None] = mapped_column(String(20))
    source_chat_id: Mapped[str | None] = mapped_column(String(128))
    # What an approved change did: milestone dates moved, contract value before/after.
    effect: Mapped[dict[str, Any]] = mapped_column(default=dict)
    applied_at: Mapped[datetime | None] = mapped_column(index=True)

    __mapper_args__ = {"version_id_col": version}


class ApprovalStep(Base):
    __tablename__ = "approval_steps"
    __table_args__ = (UniqueConstraint("change_id", "seq"),
                      Index("ix_approval_steps_status_activated", "status", "activated_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    change_id: Mapped[int] = mapped_column(ForeignKey("change_requests.id"), index=True)
    seq: Mapped[int]
    role: Mapped[str] = mapped_column(String(30))
    approver_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    status: Mapped[str] = mapped_column(String(20))  # ApprovalStatus
    decided_at: Mapped[datetime | None]
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("persons.id"))
    reason: Mapped[str | None] = mapped_column(String(2000))
    # When this step became the current one (reminders and escalations count from here).
    activated_at: Mapped[datetime | None]
    decided_platform: Mapped[str | None] = mapped_column(String(20))
