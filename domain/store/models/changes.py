"""Change requests (变更) and their approval steps."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ForeignKey, String, UniqueConstraint
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

    __mapper_args__ = {"version_id_col": version}


class ApprovalStep(Base):
    __tablename__ = "approval_steps"
    __table_args__ = (UniqueConstraint("change_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    change_id: Mapped[int] = mapped_column(ForeignKey("change_requests.id"), index=True)
    seq: Mapped[int]
    role: Mapped[str] = mapped_column(String(30))
    approver_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    status: Mapped[str] = mapped_column(String(20))  # ApprovalStatus
    decided_at: Mapped[datetime | None]
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("persons.id"))
    reason: Mapped[str | None] = mapped_column(String(2000))
