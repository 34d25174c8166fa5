"""Projects, who works on them, which chats belong to them, milestones and site logs."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from domain.store.base import Base


class Project(Base):
    __tablename__ = "projects"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)  # P-001
    name: Mapped[str] = mapped_column(String(200))
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="active")
    address: Mapped[str | None] = mapped_column(String(300))
    start_date: Mapped[date | None]
    planned_end_date: Mapped[date | None]
    # Per-project overrides: ticket assignment {category: role}, digest time "18:00",
    # working calendar (hours, holidays, stoppage days).
    assignment_rules: Mapped[dict[str, Any]] = mapped_column(default=dict)
    digest_time: Mapped[str | None] = mapped_column(String(5))
    # None: follow [progress] send_when_idle; True/False: this project's own choice.
    digest_when_idle: Mapped[bool | None]
    calendar: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]             # status "closed" since then
    # What a won opportunity brought: its amount (the contract's until one is signed) and owner.
    amount: Mapped[Decimal | None]
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"))


class ProjectMember(Base):
    __tablename__ = "project_members"
    __table_args__ = (UniqueConstraint("project_id", "person_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    role: Mapped[str] = mapped_column(String(30))  # Role
    created_at: Mapped[datetime]


class ChatBinding(Base):
    """A chat on a platform belongs to one project, as its internal or customer-facing group."""

    __tablename__ = "chat_bindings"
    __table_args__ = (UniqueConstraint("platform", "chat_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(20))
    chat_id: Mapped[str] = mapped_column(String(128))
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    audience: Mapped[str] = mapped_column(String(10))  # Audience
    title: Mapped[str | None] = mapped_column(String(200))
    bound_by: Mapped[int | None] = mapped_column(ForeignKey("persons.id"))
    created_at: Mapped[datetime]


class Milestone(Base):
    __tablename__ = "milestones"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    seq: Mapped[int] = mapped_column(default=0)
    weight: Mapped[int] = mapped_column(default=1)
    planned_start: Mapped[date | None]
    planned_end: Mapped[date | None]
    actual_start: Mapped[date | None]
    actual_end: Mapped[date | None]
    progress: Mapped[int] = mapped_column(default=0)  # percent 0..100
    updated_at: Mapped[datetime | None]


class DailyLog(Base):
    """施工日志: one entry per project per author per day."""

    __tablename__ = "daily_logs"
    __table_args__ = (UniqueConstraint("project_id", "log_date", "author_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    log_date: Mapped[date]
    author_id: Mapped[int] = mapped_column(ForeignKey("persons.id"))
    weather: Mapped[str | None] = mapped_column(String(50))
    work_done: Mapped[str] = mapped_column(String(4000))
    crew_count: Mapped[int | None]
    issues: Mapped[str | None] = mapped_column(String(2000))
    photos: Mapped[list[Any]] = mapped_column(default=list)
    # Internal only: never shown in a customer-facing card or page.
    internal_note: Mapped[str | None] = mapped_column(String(2000))
    cost: Mapped[Decimal | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime | None]
