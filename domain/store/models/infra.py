"""Rows the runtime needs to be exactly-once: the inbox, inbound de-duplication, the outbox, posted cards,
scheduled-run claims, and the append-only audit log."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from domain.store.base import Base


class InboundEvent(Base):
    __tablename__ = "inbound_events"
    __table_args__ = (UniqueConstraint("platform", "event_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(20))
    event_id: Mapped[str] = mapped_column(String(191))
    kind: Mapped[str] = mapped_column(String(20))   # message | action
    status: Mapped[str] = mapped_column(String(20))  # done | rejected | error
    # What we answered, so a duplicate delivery gets the same ack (e.g. the same toast).
    response: Mapped[dict[str, Any]] = mapped_column(default=dict)
    received_at: Mapped[datetime]


class InboxEvent(Base):
    """A verified inbound event, stored before the platform gets its 200 (one group commit
    for many events) and removed in the transaction that handles it. What is still here after
    a crash is handled when the process comes back; `inbound_events` keeps that from having a
    second effect."""
    __tablename__ = "inbox"
    __table_args__ = (UniqueConstraint("platform", "event_id"),
                      Index("ix_inbox_not_before", "not_before", "id"))
    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(20))
    event_id: Mapped[str] = mapped_column(String(191))
    event: Mapped[dict[str, Any]]          # the neutral event (handlers.chat.contract.to_record)
    received_at: Mapped[datetime]
    # Not handled from the inbox before this (a card press is first tried inline, while the
    # platform waits for its answer).
    not_before: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(default=0)


class OutboxMessage(Base):
    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_status_next", "status", "next_attempt_at"),
                      Index("ix_outbox_status_id", "status", "id"),   # claims: the oldest due rows
                      Index("ix_outbox_target", "platform", "target_id", "id"),
                      Index("ix_outbox_sent_at", "sent_at"))   # a starting sender's windows (0023)

    id: Mapped[int] = mapped_column(primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(191), unique=True)
    platform: Mapped[str] = mapped_column(String(20))
    target_type: Mapped[str] = mapped_column(String(10))  # chat | user
    target_id: Mapped[str] = mapped_column(String(128))
    op: Mapped[str] = mapped_column(String(10))            # send | update
    payload: Mapped[dict[str, Any]]                        # neutral Text/Card, see handlers.chat.contract
    card_key: Mapped[str | None] = mapped_column(String(100), index=True)
    post_id: Mapped[int | None] = mapped_column(ForeignKey("card_posts.id"))
    reply_to: Mapped[str | None] = mapped_column(String(128))  # platform message id to thread under
    locale: Mapped[str] = mapped_column(String(10), default="zh-CN")
    status: Mapped[str] = mapped_column(String(10))  # pending | sending | sent | failed
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime]
    claimed_until: Mapped[datetime | None]
    claim_token: Mapped[str | None] = mapped_column(String(40))
    last_error: Mapped[str | None] = mapped_column(Text)
    # Why a `failed` row failed: "outage" (the platform was down: 5xx, no answer, refused
    # connections; sent again once it answers, while young enough) or "permanent" (the
    # platform said no: bad chat, no permission; stays failed until retried by hand). Rows
    # that failed before revision 0010 have none.
    failure: Mapped[str | None] = mapped_column(String(10))
    failed_at: Mapped[datetime | None]
    platform_message_id: Mapped[str | None] = mapped_column(String(191))
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]


class CardPost(Base):
    """Where a live card (ticket:12, change:7 …) was posted, so it can be updated in place."""

    __tablename__ = "card_posts"

    id: Mapped[int] = mapped_column(primary_key=True)
    card_key: Mapped[str] = mapped_column(String(100), index=True)
    platform: Mapped[str] = mapped_column(String(20))
    target_type: Mapped[str] = mapped_column(String(10))
    target_id: Mapped[str] = mapped_column(String(128))
    message_id: Mapped[str] = mapped_column(String(191))
    locale: Mapped[str] = mapped_column(String(10), default="zh-CN")
    # Platform-specific handles for updating (WeCom response_code, DingTalk outTrackId …).
    handle: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime]


class ScheduledRun(Base):
    """A claim on one scheduled effect (digest:P-001:2026-11-23, escalate:T-9:2 …).
    The unique key is what makes two processes and a restart act once."""

    __tablename__ = "scheduled_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(191), unique=True)
    claimed_at: Mapped[datetime]
    claimed_by: Mapped[str | None] = mapped_column(String(60))


class AuditEntry(Base):
    """Append-only: rows are inserted, never updated or deleted."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"))
    platform: Mapped[str | None] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(50))
    subject_type: Mapped[str] = mapped_column(String(30))
    subject_id: Mapped[str] = mapped_column(String(50))
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    message_ref: Mapped[str | None] = mapped_column(String(191))
