"""Customers, their contacts and sales opportunities."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from domain.store.base import Base


class Customer(Base):
    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    type: Mapped[str] = mapped_column(String(20))  # CustomerType
    grade: Mapped[str] = mapped_column(String(1), default="B")
    tags: Mapped[list[Any]] = mapped_column(default=list)
    budget_min: Mapped[Decimal | None]
    budget_max: Mapped[Decimal | None]
    notes: Mapped[str | None] = mapped_column(String(2000))
    created_at: Mapped[datetime]


class Contact(Base):
    __tablename__ = "contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"))
    name: Mapped[str] = mapped_column(String(100))
    title: Mapped[str | None] = mapped_column(String(100))  # 业主代表, 监理工程师 …
    phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(200))
    preferred_channel: Mapped[str | None] = mapped_column(String(20))
    wants_digest: Mapped[bool] = mapped_column(default=False)
    # Daily digests and payment reminders by e-mail too (to `email`), when they asked for it.
    wants_email: Mapped[bool] = mapped_column(default=False)


class Opportunity(Base):
    __tablename__ = "opportunities"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    stage: Mapped[str] = mapped_column(String(20), default="contact")
    amount: Mapped[Decimal | None]
    probability: Mapped[int] = mapped_column(default=10)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"))
    next_follow_up: Mapped[date | None]
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id"))
    created_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]  # won or lost
