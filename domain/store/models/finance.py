"""Contracts, their payment milestones, and payments received. Money is Decimal, never float."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from domain.store.base import Base


class Contract(Base):
    __tablename__ = "contracts"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    number: Mapped[str] = mapped_column(String(50), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    value: Mapped[Decimal]
    signed_on: Mapped[date | None]
    created_at: Mapped[datetime]


class PaymentMilestone(Base):
    __tablename__ = "payment_milestones"

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"), index=True)
    seq: Mapped[int] = mapped_column(default=0)
    kind: Mapped[str] = mapped_column(String(20))  # PaymentKind
    name: Mapped[str] = mapped_column(String(100))
    amount: Mapped[Decimal]
    # Given as a share of the contract value (30 for 30 %): the amount follows that value.
    percent: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    due_date: Mapped[date | None]
    # When set, the due date follows this project milestone being reached.
    trigger_milestone_id: Mapped[int | None] = mapped_column(ForeignKey("milestones.id"))
    trigger_offset_days: Mapped[int] = mapped_column(default=0)
    status: Mapped[str] = mapped_column(String(20), default="pending")  # pending|partial|paid
    settled_on: Mapped[date | None]  # the day it became fully paid (credit rating: on time?)


class Payment(Base):
    __tablename__ = "payments"

    id: Mapped[int] = mapped_column(primary_key=True)
    payment_milestone_id: Mapped[int] = mapped_column(ForeignKey("payment_milestones.id"), index=True)
    amount: Mapped[Decimal]
    paid_on: Mapped[date]
    recorded_by: Mapped[int] = mapped_column(ForeignKey("persons.id"))
    note: Mapped[str | None] = mapped_column(String(500))
    # The chat event or button press that recorded it; unique, so a repeat records nothing.
    ref: Mapped[str | None] = mapped_column(String(160), unique=True)
    created_at: Mapped[datetime]
