"""Signatures that sign no content, bound to the one event that first came with them.

DingTalk's robot callback signs only its timestamp (PLATFORMS.md 3.1), so the same signature
would vouch for any body for an hour. The inbox writer binds each signature to the first event
stored with it, in the same transaction as that event (domain/store/inbox_writer.py); every
process sees the binding, and it outlives restarts until `valid_until` has passed."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from domain.store.base import Base


class SignatureBinding(Base):
    __tablename__ = "signature_bindings"
    __table_args__ = (Index("ix_signature_bindings_valid_until", "valid_until"),)

    platform: Mapped[str] = mapped_column(String(20), primary_key=True)
    # A digest of the signature, not the signature: a copy of this table is no use for replays.
    signature: Mapped[str] = mapped_column(String(64), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(191))
    # The last moment the platform's own check accepts the signature; the row is kept a little
    # longer (clocks of replicas differ) and then removed by the writer.
    valid_until: Mapped[datetime]
