"""Site capture (issue 17): inspections (巡检) and acceptance records (验收单)."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from domain.store.base import Base


class SiteInspection(Base):
    """One walk of the site: who, when, where, what was checked, the photos, and the tickets
    opened from what was found."""
    __tablename__ = "site_inspections"
    __table_args__ = (Index("ix_site_inspections_project_at", "project_id", "at"),
                      Index("ix_site_inspections_inspector_at", "inspector_id", "at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"))
    inspector_id: Mapped[int] = mapped_column(ForeignKey("persons.id"))
    checked: Mapped[str] = mapped_column(String(2000))
    location: Mapped[dict[str, Any] | None] = mapped_column(default=None)
    # [{"kind": "image", "ref": …, "meta": {…}}], as tickets keep theirs (NewAttachment)
    attachments: Mapped[list[Any]] = mapped_column(default=list)
    finding_ticket_ids: Mapped[list[Any]] = mapped_column(default=list)
    platform: Mapped[str | None] = mapped_column(String(20))
    chat_id: Mapped[str | None] = mapped_column(String(128))
    at: Mapped[datetime]
    # [{"text", "ok": bool, "ticket_id": int | None, "photos": int, "at"}] (migration 0018)
    items: Mapped[list[Any]] = mapped_column(default=list, server_default="[]")
    closed_at: Mapped[datetime | None] = mapped_column(default=None)

    @property
    def number(self) -> str:
        return f"XJ-{self.id}"


class AcceptanceRecord(Base):
    """An acceptance record (验收单) of one kind (隐蔽工程 …), its template's fields filled in,
    and the decision of the supervisor or the customer contact."""
    __tablename__ = "acceptance_records"
    __table_args__ = (Index("ix_acceptance_records_project_created", "project_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"))
    kind: Mapped[str] = mapped_column(String(20))
    subject: Mapped[str] = mapped_column(String(200))
    fields: Mapped[dict[str, Any]] = mapped_column(default=dict)
    attachments: Mapped[list[Any]] = mapped_column(default=list)
    requester_id: Mapped[int] = mapped_column(ForeignKey("persons.id"))
    status: Mapped[str] = mapped_column(String(10))   # pending | passed | failed
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"))
    decided_at: Mapped[datetime | None]
    reason: Mapped[str | None] = mapped_column(String(500))
    platform: Mapped[str | None] = mapped_column(String(20))
    chat_id: Mapped[str | None] = mapped_column(String(128))
    created_at: Mapped[datetime]

    @property
    def number(self) -> str:
        return f"YS-{self.id}"
