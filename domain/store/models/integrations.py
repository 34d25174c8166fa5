"""The open API's own tables (issue 20): integration tokens (only a hash of the secret is
kept) and the stored answers of POSTs made with an Idempotency-Key."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from domain.store.base import Base


class ApiToken(Base):
    """One integration (an ERP, an OA system). It acts as `person_id` (its own person unless
    it was made to act as someone), limited to `scopes` and, when given, to `project_ids`."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    # sha256 hex of the secret: the secret itself is shown once, at creation, and never stored.
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))     # the secret's first characters, to recognise it
    scopes: Mapped[list[Any]] = mapped_column(default=list)
    project_ids: Mapped[list[Any]] = mapped_column(default=list)   # empty: every project
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"))
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]
    # True: `person_id` is the token's own person, made with it (not `--as` someone). It holds
    # no role in the database; each call lends it the roles its write scopes need
    # (domain/integrations/tokens.py: acting_person), so it is never a role's holder elsewhere.
    own_person: Mapped[bool] = mapped_column(default=False)


class ApiIdempotency(Base):
    """A POST made with an Idempotency-Key, and what it was answered: the same key again (from
    the same token) gets this answer back and has no second effect."""

    __tablename__ = "api_idempotency"
    __table_args__ = (UniqueConstraint("token_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token_id: Mapped[int] = mapped_column(ForeignKey("api_tokens.id"))
    key: Mapped[str] = mapped_column(String(200))
    # method, path and body: the same key reused with another request is refused
    request_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[int]
    body: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime]
