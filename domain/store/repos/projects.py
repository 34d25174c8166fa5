"""Projects, memberships and chat bindings."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.enums import Role
from domain.store.models import ChatBinding, Identity, Milestone, Person, Project, ProjectMember


class ProjectsRepo:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, project_id: int) -> Project | None:
        return await self.session.get(Project, project_id)

    async def by_code(self, code: str) -> Project | None:
        return await self.session.scalar(select(Project).where(Project.code == code.upper()))

    async def all(self) -> list[Project]:
        return list(await self.session.scalars(select(Project).order_by(Project.code)))

    async def binding(self, platform: str, chat_id: str) -> ChatBinding | None:
        return await self.session.scalar(select(ChatBinding).where(
            ChatBinding.platform == platform, ChatBinding.chat_id == chat_id))

    async def bindings(self, project_id: int | None = None,
                       platform: str | None = None) -> list[ChatBinding]:
        query = select(ChatBinding).order_by(ChatBinding.id)
        if project_id is not None:
            query = query.where(ChatBinding.project_id == project_id)
        if platform is not None:
            query = query.where(ChatBinding.platform == platform)
        return list(await self.session.scalars(query))

    async def roles_of(self, person_id: int, project_id: int) -> set[Role]:
        rows = await self.session.scalars(select(ProjectMember.role).where(
            ProjectMember.person_id == person_id, ProjectMember.project_id == project_id))
        return {Role(r) for r in rows}

    async def membership(self, project_id: int, person_id: int, role: Role) -> ProjectMember | None:
        return await self.session.scalar(select(ProjectMember).where(
            ProjectMember.project_id == project_id, ProjectMember.person_id == person_id,
            ProjectMember.role == role.value))

    async def memberships_of(self, person_id: int) -> list[tuple[Project, Role]]:
        rows = await self.session.execute(
            select(Project, ProjectMember.role).join(ProjectMember, ProjectMember.project_id == Project.id)
            .where(ProjectMember.person_id == person_id).order_by(Project.code))
        return [(p, Role(r)) for p, r in rows]

    async def members(self, project_id: int) -> list[tuple[Person, Role]]:
        rows = await self.session.execute(
            select(Person, ProjectMember.role).join(ProjectMember, ProjectMember.person_id == Person.id)
            .where(ProjectMember.project_id == project_id, Person.active.is_(True))
            .order_by(ProjectMember.id))
        return [(p, Role(r)) for p, r in rows]

    async def first_with_role(self, project_id: int, role: Role) -> Person | None:
        return await self.session.scalar(
            select(Person).join(ProjectMember, ProjectMember.person_id == Person.id)
            .where(ProjectMember.project_id == project_id, ProjectMember.role == role.value,
                   Person.active.is_(True)).order_by(ProjectMember.id).limit(1))

    async def milestones(self, project_id: int) -> list[Milestone]:
        return list(await self.session.scalars(
            select(Milestone).where(Milestone.project_id == project_id).order_by(Milestone.seq)))

    # Many at once, for scheduled passes that act on hundreds of projects in one transaction.

    async def many(self, ids: list[int]) -> dict[int, Project]:
        rows = await self.session.scalars(select(Project).where(Project.id.in_(list(set(ids)))))
        return {p.id: p for p in rows}

    async def bindings_of(self, project_ids: list[int]) -> dict[int, list[ChatBinding]]:
        """Each project's chat bindings, in the order `bindings` gives them."""
        found: dict[int, list[ChatBinding]] = {i: [] for i in project_ids}
        for row in await self.session.scalars(select(ChatBinding).where(
                ChatBinding.project_id.in_(list(set(project_ids)))).order_by(ChatBinding.id)):
            found[row.project_id].append(row)
        return found

    async def milestones_of(self, project_ids: list[int]) -> dict[int, list[Milestone]]:
        found: dict[int, list[Milestone]] = {i: [] for i in project_ids}
        for row in await self.session.scalars(select(Milestone).where(
                Milestone.project_id.in_(list(set(project_ids)))).order_by(Milestone.seq, Milestone.id)):
            found[row.project_id].append(row)
        return found

    async def people(self, ids: list[int]) -> dict[int, Person]:
        rows = await self.session.scalars(select(Person).where(Person.id.in_(list(set(ids)))))
        return {p.id: p for p in rows}

    async def identities_of(self, person_ids: list[int]) -> dict[int, list[Identity]]:
        """Where each person can be messaged, in the order `people.identities_of` gives."""
        found: dict[int, list[Identity]] = {i: [] for i in person_ids}
        for row in await self.session.scalars(select(Identity).where(
                Identity.person_id.in_(list(set(person_ids)))).order_by(Identity.id)):
            found[row.person_id].append(row)
        return found

    async def members_of(self, project_ids: list[int]) -> dict[int, list[tuple[Person, Role]]]:
        """`members` for many projects in one query."""
        found: dict[int, list[tuple[Person, Role]]] = {i: [] for i in project_ids}
        rows = await self.session.execute(
            select(ProjectMember.project_id, Person, ProjectMember.role)
            .join(ProjectMember, ProjectMember.person_id == Person.id)
            .where(ProjectMember.project_id.in_(list(set(project_ids))), Person.active.is_(True))
            .order_by(ProjectMember.id))
        for project_id, person, role in rows:
            found[project_id].append((person, Role(role)))
        return found
