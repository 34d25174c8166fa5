"""People, identities, project membership and chat bindings."""
from __future__ import annotations

from datetime import datetime

from domain.access import Action, require
from domain.enums import Audience, Role
from domain.errors import InvalidInput, NotFound
from domain.org_roles import check_project_role
from domain.store.models import ChatBinding, Identity, Person, Project, ProjectMember
from domain.store.uow import IntegrityError, Tx


async def project_by_code(tx: Tx, code: str) -> Project:
    project = await tx.projects.by_code(code)
    if project is None:
        codes = ", ".join(p.code for p in await tx.projects.all())
        raise NotFound("error.project_not_found", code=code.upper(), codes=codes)
    return project


async def ensure_person(tx: Tx, platform: str, external_id: str, name: str, now: datetime) -> Person:
    """The person behind an identity, created (with no roles) the first time someone adds them."""
    person = await tx.people.by_identity(platform, external_id)
    if person is not None:
        return person
    try:
        async with tx.savepoint():
            person = Person(name=name or external_id, created_at=now, org_roles=[])
            tx.add(person)
            await tx.flush()
            tx.add(Identity(person_id=person.id, platform=platform, external_id=external_id,
                            display_name=name, alt_ids={}, created_at=now))
            await tx.flush()
    except IntegrityError:
        # Two messages naming the same new person at once (two chats, two replicas): the
        # other transaction created them first and the identity's unique key refused ours.
        # Theirs is committed by now (PostgreSQL made us wait for it), so it is the person.
        person = await tx.people.by_identity(platform, external_id)
        if person is None:
            raise
    return person


async def find_person_by_name(tx: Tx, name: str) -> Person:
    matches = await tx.people.by_name(name)
    if not matches:
        raise NotFound("error.person_not_found", name=name)
    if len(matches) > 1:
        raise InvalidInput("error.person_ambiguous", name=name, count=len(matches))
    return matches[0]


async def add_member(tx: Tx, actor: Person, project: Project, person: Person, role: Role,
                     now: datetime, platform: str | None) -> bool:
    """Give `person` the role on the project. False when they had it already."""
    await require(tx, actor, Action.MANAGE_MEMBERS, project_id=project.id)
    check_project_role(role)   # 销售 / 财务总监 act company-wide only: say so now, not later
    if await tx.projects.membership(project.id, person.id, role) is not None:
        return False
    tx.add(ProjectMember(project_id=project.id, person_id=person.id, role=role.value, created_at=now))
    tx.audit.append(at=now, actor_id=actor.id, platform=platform, action="member.add",
                    subject_type="project", subject_id=project.code,
                    data={"person_id": person.id, "name": person.name, "role": role.value})
    return True


async def remove_member(tx: Tx, actor: Person, project: Project, person: Person,
                        now: datetime, platform: str | None) -> int:
    """Remove every role the person has on the project; returns how many."""
    await require(tx, actor, Action.MANAGE_MEMBERS, project_id=project.id)
    removed = 0
    for role in await tx.projects.roles_of(person.id, project.id):
        membership = await tx.projects.membership(project.id, person.id, role)
        if membership is not None:
            await tx.delete(membership)
            removed += 1
    if removed:
        tx.audit.append(at=now, actor_id=actor.id, platform=platform, action="member.remove",
                        subject_type="project", subject_id=project.code,
                        data={"person_id": person.id, "name": person.name})
    return removed


async def bind_chat(tx: Tx, actor: Person, project: Project, platform: str, chat_id: str,
                    audience: Audience, title: str | None, now: datetime) -> ChatBinding:
    """Bind (or re-bind) a chat to a project. A chat belongs to one project at a time."""
    await require(tx, actor, Action.BIND_CHAT, project_id=project.id)
    binding = await tx.projects.binding(platform, chat_id)
    if binding is None:
        binding = ChatBinding(platform=platform, chat_id=chat_id, created_at=now)
        tx.add(binding)
    binding.project_id, binding.audience = project.id, audience.value
    binding.title, binding.bound_by = title, actor.id
    tx.audit.append(at=now, actor_id=actor.id, platform=platform, action="chat.bind",
                    subject_type="project", subject_id=project.code,
                    data={"chat_id": chat_id, "audience": audience.value})
    return binding


async def ensure_admins(tx: Tx, identities: tuple[str, ...] | list[str], now: datetime) -> None:
    """Make the configured "platform:user_id" identities admins (creating them if new)."""
    for entry in identities:
        platform, _, external_id = entry.partition(":")
        if not platform or not external_id:
            raise InvalidInput("error.invalid_input", value=entry)
        person = await ensure_person(tx, platform, external_id, external_id, now)
        person.is_admin = True


async def make_admin(tx: Tx, name: str, identity: str | None, now: datetime) -> Person:
    """`sitebot admin add NAME [--identity platform:user_id]`."""
    if identity:
        platform, _, external_id = identity.partition(":")
        if not platform or not external_id:
            raise InvalidInput("error.invalid_input", value=identity)
        person = await ensure_person(tx, platform, external_id, name, now)
        person.name = name
    else:
        person = await find_person_by_name(tx, name)
    person.is_admin = True
    tx.audit.append(at=now, actor_id=None, platform=None, action="admin.add", subject_type="person",
                    subject_id=person.id, data={"name": name, "identity": identity})
    return person
