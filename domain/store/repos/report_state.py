"""What reports write: NPS cards sent and answered, the watched states behind early
warnings, and the secret the cockpit and project-page links are signed with when the
environment gives none."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from domain.store.models.reports import NpsSurvey, ReportWatch, ServerSecret


class ReportStateRepo:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def nps(self, survey_id: int) -> NpsSurvey | None:
        return await self.session.get(NpsSurvey, survey_id)

    async def nps_of(self, occasion: str, respondent_id: int) -> NpsSurvey | None:
        return await self.session.scalar(select(NpsSurvey).where(
            NpsSurvey.occasion == occasion, NpsSurvey.respondent_id == respondent_id))

    async def last_nps_sent(self, respondent_ids: list[int]) -> dict[int, datetime]:
        """When each person was last sent an NPS card (people never asked are left out)."""
        if not respondent_ids:
            return {}
        rows = await self.session.execute(
            select(NpsSurvey.respondent_id, func.max(NpsSurvey.sent_at))
            .where(NpsSurvey.respondent_id.in_(sorted(set(respondent_ids))))
            .group_by(NpsSurvey.respondent_id))
        return {person_id: sent for person_id, sent in rows}   # max() keeps the column's type

    async def latest_open_nps(self, respondent_id: int) -> NpsSurvey | None:
        """The person's newest NPS card not answered yet (what `推荐 8` answers)."""
        return await self.session.scalar(
            select(NpsSurvey).where(NpsSurvey.respondent_id == respondent_id, NpsSurvey.score.is_(None))
            .order_by(NpsSurvey.sent_at.desc(), NpsSurvey.id.desc()).limit(1))

    async def latest_nps(self, respondent_id: int) -> NpsSurvey | None:
        return await self.session.scalar(
            select(NpsSurvey).where(NpsSurvey.respondent_id == respondent_id)
            .order_by(NpsSurvey.sent_at.desc(), NpsSurvey.id.desc()).limit(1))

    async def watches(self, subjects: list[str]) -> dict[str, ReportWatch]:
        if not subjects:
            return {}
        rows = await self.session.scalars(select(ReportWatch).where(ReportWatch.subject.in_(sorted(set(subjects)))))
        return {w.subject: w for w in rows}

    async def watch(self, subject: str) -> ReportWatch | None:
        return await self.session.scalar(select(ReportWatch).where(ReportWatch.subject == subject))

    async def shared_secret(self, name: str, candidate: str, now: datetime) -> str:
        """The secret stored under `name`; `candidate` becomes it when none is stored yet. Two
        processes starting at once both offer one: the first insert wins (ON CONFLICT DO
        NOTHING) and both read back the winner, so every process on the database agrees."""
        dialect = postgresql if self.session.bind.dialect.name == "postgresql" else sqlite
        await self.session.execute(dialect.insert(ServerSecret).values(name=name, value=candidate, created_at=now)
                                   .on_conflict_do_nothing(index_elements=["name"]))
        return await self.session.scalar(select(ServerSecret.value).where(ServerSecret.name == name))
