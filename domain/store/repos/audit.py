"""The append-only audit log."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.store.models import AuditEntry, Person
from domain.store.repos.webhook_hook import notice


class AuditRepo:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def append(self, *, at: datetime, actor_id: int | None, platform: str | None, action: str,
               subject_type: str, subject_id: str | int, data: dict[str, Any] | None = None,
               message_ref: str | None = None) -> None:
        entry = AuditEntry(at=at, actor_id=actor_id, platform=platform, action=action,
                           subject_type=subject_type, subject_id=str(subject_id),
                           data=data or {}, message_ref=message_ref)
        self.session.add(entry)
        notice(self.session, entry)   # outbound webhooks: what it stands for goes out on commit

    async def page(self, after_id: int = 0, limit: int = 1000) -> list[tuple[AuditEntry, str | None]]:
        """Entries after `after_id`, oldest first, with the actor's name (for exports)."""
        rows = await self.session.execute(
            select(AuditEntry, Person.name).outerjoin(Person, Person.id == AuditEntry.actor_id)
            .where(AuditEntry.id > after_id).order_by(AuditEntry.id).limit(limit))
        return [(entry, name) for entry, name in rows]
