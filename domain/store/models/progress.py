"""The history of milestone progress: what changed when, and by whom (digests, weekly report)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from domain.store.base import Base


class MilestoneUpdate(Base):
    __tablename__ = "milestone_updates"
    __table_args__ = (Index("ix_milestone_updates_project_at", "project_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    milestone_id: Mapped[int] = mapped_column(ForeignKey("milestones.id"))
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"))
    at: Mapped[datetime]
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"))
    kind: Mapped[str] = mapped_column(String(20))  # progress | reached
    old_progress: Mapped[int]
    new_progress: Mapped[int]
