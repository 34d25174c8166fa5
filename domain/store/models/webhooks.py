"""Outbound webhooks (issue 20): who wants which events, and the events themselves.

An event is stored once, when the change it announces commits (domain/store/repos/webhooks.py),
with the body every subscriber gets; each subscriber's delivery is an outbox row (platform
"webhook"), so retries, backoff, the failed state and replays are the outbox's."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from domain.store.base import Base


class WebhookSubscription(Base):
    __tablename__ = "webhook_subscriptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(500))
    event_types: Mapped[list[Any]] = mapped_column(default=list)
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id"))   # None: every project
    # "whsec_" + base64 of 24 random bytes: the receiver needs it to check signatures, so it is
    # kept as is (unlike API tokens, which are only ever compared).
    secret: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime]
    removed_at: Mapped[datetime | None]


class WebhookEvent(Base):
    """One event (ticket.created …) as every subscriber receives it. `msg_id` is the
    webhook-id header: the same on every attempt and every replay, so receivers de-duplicate."""

    __tablename__ = "webhook_events"
    __table_args__ = (Index("ix_webhook_events_created", "created_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    msg_id: Mapped[str] = mapped_column(String(40), unique=True)
    type: Mapped[str] = mapped_column(String(40))
    project_id: Mapped[int | None]
    body: Mapped[dict[str, Any]] = mapped_column(default=dict)   # {type, timestamp, data}
    created_at: Mapped[datetime]
