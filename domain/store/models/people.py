"""People and how each platform knows them."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from domain.store.base import Base


class Person(Base):
    __tablename__ = "persons"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), index=True)
    phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(200))
    locale: Mapped[str] = mapped_column(String(10), default="zh-CN")
    is_admin: Mapped[bool] = mapped_column(default=False)
    # Organisation-wide roles (dept_head, hq_service, finance …) held beyond any one project.
    org_roles: Mapped[list[Any]] = mapped_column(default=list)
    # The person this one reports to, for escalations that go "up" (approvals, dunning).
    superior_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]


class Identity(Base):
    """(platform, the platform's user id) -> person. One person may have several."""

    __tablename__ = "identities"
    __table_args__ = (UniqueConstraint("platform", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    platform: Mapped[str] = mapped_column(String(20))
    external_id: Mapped[str] = mapped_column(String(128))
    # Other ids the platform gives the same user (Feishu union_id, DingTalk staffId …).
    alt_ids: Mapped[dict[str, Any]] = mapped_column(default=dict)
    display_name: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime]
