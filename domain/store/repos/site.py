"""Site capture reads: the ticket a platform message opened, inspections and acceptance records
of projects over a time range."""
from __future__ import annotations

from datetime import datetime
from typing import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.store.models import ReportDraft, Ticket
from domain.store.models.site import AcceptanceRecord, SiteInspection


class SiteRepo:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def ticket_from_message(self, platform: str, message_id: str) -> Ticket | None:
        return await self.session.scalar(select(Ticket).where(
            Ticket.source_platform == platform, Ticket.source_message_id == message_id)
            .order_by(Ticket.id).limit(1))

    async def draft_from_message(self, platform: str, message_id: str) -> ReportDraft | None:
        """The 登记 proposal a sentence became (capture), filed or not."""
        return await self.session.scalar(select(ReportDraft).where(
            ReportDraft.platform == platform, ReportDraft.source_message_id == message_id)
            .order_by(ReportDraft.id).limit(1))

    async def inspection(self, inspection_id: int) -> SiteInspection | None:
        return await self.session.get(SiteInspection, inspection_id)

    async def latest_inspection_by(self, person_id: int, platform: str, chat_id: str,
                                   since: datetime) -> SiteInspection | None:
        """The person's inspection recorded in this chat since `since` (photos sent right after
        join it)."""
        return await self.session.scalar(select(SiteInspection).where(
            SiteInspection.inspector_id == person_id, SiteInspection.platform == platform,
            SiteInspection.chat_id == chat_id, SiteInspection.at >= since)
            .order_by(SiteInspection.at.desc(), SiteInspection.id.desc()).limit(1))

    async def inspections(self, project_ids: Sequence[int], since: datetime,
                          until: datetime) -> list[SiteInspection]:
        """Inspections of these projects in [since, until), oldest first."""
        if not project_ids:
            return []
        return list(await self.session.scalars(select(SiteInspection).where(
            SiteInspection.project_id.in_(list(project_ids)), SiteInspection.at >= since,
            SiteInspection.at < until).order_by(SiteInspection.at, SiteInspection.id)))

    async def acceptance(self, record_id: int) -> AcceptanceRecord | None:
        return await self.session.get(AcceptanceRecord, record_id)

    async def acceptances(self, project_id: int, limit: int = 50) -> list[AcceptanceRecord]:
        """A project's acceptance records, newest first."""
        return list(await self.session.scalars(select(AcceptanceRecord).where(
            AcceptanceRecord.project_id == project_id)
            .order_by(AcceptanceRecord.created_at.desc(), AcceptanceRecord.id.desc()).limit(limit)))

    async def decided_since(self, since: datetime, limit: int = 200) -> list[AcceptanceRecord]:
        """Acceptance records decided since `since`, oldest decision first (their PDFs)."""
        return list(await self.session.scalars(select(AcceptanceRecord).where(
            AcceptanceRecord.decided_at >= since).order_by(AcceptanceRecord.decided_at,
                                                           AcceptanceRecord.id).limit(limit)))

    async def latest_acceptance_by(self, person_id: int, platform: str, chat_id: str,
                                   since: datetime) -> AcceptanceRecord | None:
        return await self.session.scalar(select(AcceptanceRecord).where(
            AcceptanceRecord.requester_id == person_id, AcceptanceRecord.platform == platform,
            AcceptanceRecord.chat_id == chat_id, AcceptanceRecord.created_at >= since,
            AcceptanceRecord.status == "pending")
            .order_by(AcceptanceRecord.created_at.desc(), AcceptanceRecord.id.desc()).limit(1))
