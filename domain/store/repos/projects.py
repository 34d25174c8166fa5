"""Projects, memberships and chat bindings."""
from __future__ import annotations

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.enums import Role
from domain.store.memo import BINDING, ROLES, Memo, remembered
from domain.store.models import ChatBinding, Identity, Milestone, Person, Project, ProjectMember

# Built once (every event runs them; building and keying a statement costs about as much as
# running it).
_BINDING_AND_PROJECT = (select(ChatBinding, Project).join(Project, Project.id == ChatBinding.project_id)
                        .where(ChatBinding.platform == bindparam("platform"),
                               ChatBinding.chat_id == bindparam("chat_id")))
_ROLES_OF = select(ProjectMember.role).where(ProjectMember.person_id == bindparam("person_id"),
                                             ProjectMember.project_id == bindparam("project_id"))
_FIRST_WITH_ROLE = (select(Person).join(ProjectMember, ProjectMember.person_id == Person.id)
                    .where(ProjectMember.project_id == bindparam("project_id"),
                           ProjectMember.role == bindparam("role"), Person.active.is_(True))
                    .order_by(ProjectMember.id).limit(1))


class ProjectsRepo:
    def __init__(self, session: AsyncSession, memo: Memo | None = None) -> None:
        self.session, self.memo = session, memo

    async def get(self, project_id: int) -> Project | None:
        return await self.session.get(Project, project_id)

    async def by_code(self, code: str) -> Project | None:
        return await self.session.scalar(select(Project).where(Project.code == code.upper()))

    async def all(self) -> list[Project]:
        return list(await self.session.scalars(select(Project).order_by(Project.code)))

    async def binding(self, platform: str, chat_id: str) -> ChatBinding | None:
        return (await self.binding_and_project(platform, chat_id))[0]

    async def binding_and_project(self, platform: str,
                                  chat_id: str) -> tuple[ChatBinding | None, Project | None]:
        """The chat's binding and its project, in one query once per transaction (every event
        asks; see domain/store/memo.py)."""
        async def lookup() -> tuple[ChatBinding | None, Project | None]:
            row = (await self.session.execute(
                _BINDING_AND_PROJECT, {"platform": platform, "chat_id": chat_id})).first()
            return (row[0], row[1]) if row else (None, None)
        binding, project = await remembered(self.memo, BINDING, (platform, chat_id), lookup)
        if binding is not None and (project is None or project.id != binding.project_id):
            project = await self.get(binding.project_id)   # re-bound in this transaction
        return binding, project

    async def bindings(self, project_id: int | None = None,
                       platform: str | None = None) -> list[ChatBinding]:
        query = select(ChatBinding).order_by(ChatBinding.id)
        if project_id is not None:
            query = query.where(ChatBinding.project_id == project_id)
        if platform is not None:
            query = query.where(ChatBinding.platform == platform)
        return list(await self.session.scalars(query))

    async def roles_of(self, person_id: int, project_id: int) -> set[Role]:
        """Once per transaction (see domain/store/memo.py); a copy, the caller may change it."""
        async def lookup() -> frozenset[Role]:
            rows = await self.session.scalars(_ROLES_OF, {"person_id": person_id,
                                                          "project_id": project_id})
            return frozenset(Role(r) for r in rows)
        return set(await remembered(self.memo, ROLES, (person_id, project_id), lookup))

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
        return await self.session.scalar(_FIRST_WITH_ROLE, {"project_id": project_id,
                                                            "role": role.value})

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
