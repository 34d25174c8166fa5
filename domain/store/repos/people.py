"""People and identities."""
from __future__ import annotations

from sqlalchemy import bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.store.memo import IDENTITY, Memo, remembered
from domain.store.models import Identity, Person

# Built once: every event asks who sent it, and building and keying a statement per call costs
# about as much as running it.
_BY_IDENTITY = (select(Person).join(Identity, Identity.person_id == Person.id)
                .where(Identity.platform == bindparam("platform"),
                       Identity.external_id == bindparam("external_id")))


class PeopleRepo:
    def __init__(self, session: AsyncSession, memo: Memo | None = None) -> None:
        self.session, self.memo = session, memo

    async def get(self, person_id: int) -> Person | None:
        return await self.session.get(Person, person_id)

    async def identity(self, platform: str, external_id: str) -> Identity | None:
        return await self.session.scalar(
            select(Identity).where(Identity.platform == platform, Identity.external_id == external_id))

    async def by_identity(self, platform: str, external_id: str) -> Person | None:
        """Once per transaction (see domain/store/memo.py)."""
        return await remembered(self.memo, IDENTITY, (platform, external_id), lambda: self.session.scalar(
            _BY_IDENTITY, {"platform": platform, "external_id": external_id}))

    async def by_name(self, name: str) -> list[Person]:
        return list(await self.session.scalars(
            select(Person).where(Person.name == name, Person.active.is_(True)).order_by(Person.id)))

    async def identities_of(self, person_id: int) -> list[Identity]:
        return list(await self.session.scalars(
            select(Identity).where(Identity.person_id == person_id).order_by(Identity.id)))

    async def with_identities_on(self, platform: str) -> list[tuple[Person, Identity]]:
        rows = await self.session.execute(
            select(Person, Identity).join(Identity, Identity.person_id == Person.id)
            .where(Identity.platform == platform, Person.active.is_(True)).order_by(Person.id))
        return [(p, i) for p, i in rows]

    async def count(self) -> int:
        return await self.session.scalar(select(func.count()).select_from(Person)) or 0
