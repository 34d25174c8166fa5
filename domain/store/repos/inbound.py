"""Inbound de-duplication: (platform, event_id) is unique in the database, so it holds across
processes and restarts."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from domain.store.models import InboundEvent

_TABLE = InboundEvent.__table__
# Built once per dialect: every event runs both (building a statement costs about as much as
# running it).
_CLAIM = {name: (dialect.insert(_TABLE).on_conflict_do_nothing(index_elements=["platform", "event_id"])
                 .returning(_TABLE.c.id))
          for name, dialect in (("postgresql", postgresql), ("sqlite", sqlite))}
_FINISH = update(_TABLE).where(_TABLE.c.id == bindparam("claimed"))


class InboundRepo:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, platform: str, event_id: str) -> InboundEvent | None:
        return await self.session.scalar(select(InboundEvent).where(
            InboundEvent.platform == platform, InboundEvent.event_id == event_id))

    async def claim(self, platform: str, event_id: str, kind: str, now: datetime,
                    status: str = "received", response: dict[str, Any] | None = None) -> int | None:
        """Insert the event; its row id, or None when it was seen before (also by a
        concurrent process). One statement (INSERT … ON CONFLICT DO NOTHING RETURNING id):
        every event takes this path, so no read first and no savepoint around it. `status` and
        `response`: how it is expected to end (written with the rest of the event's work, so
        no one sees them before), to save the `finish` when it ends that way."""
        statement = _CLAIM["postgresql" if self.session.bind.dialect.name == "postgresql" else "sqlite"]
        return (await self.session.execute(statement, {
            "platform": platform, "event_id": event_id, "kind": kind, "status": status,
            "response": response if response is not None else {}, "received_at": now})).scalar()

    async def finish(self, claimed: int, status: str, response: dict[str, Any]) -> None:
        """How a claimed event ended, and what was answered (a duplicate gets the same)."""
        await self.session.execute(_FINISH, {"claimed": claimed, "status": status,
                                             "response": response})
