"""Change requests, their approval steps, and the queries approvals need."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.enums import ApprovalStatus, Role
from domain.store.models import (ApprovalStep, AuditEntry, ChangeRequest, Contract, Person,
                                 ProjectMember)

_PENDING = ApprovalStatus.PENDING.value


class ChangesRepo:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, change_id: int) -> ChangeRequest | None:
        return await self.session.get(ChangeRequest, change_id)

    async def lock(self, change_id: int) -> ChangeRequest | None:
        """The change, read fresh and locked for this transaction (PostgreSQL: FOR UPDATE; on
        SQLite the write transaction already holds the database). Every decision takes this
        lock first, so two clicks on two devices are decided one after the other."""
        return await self.session.scalar(
            select(ChangeRequest).where(ChangeRequest.id == change_id).with_for_update()
            .execution_options(populate_existing=True))

    async def steps(self, change_id: int) -> list[ApprovalStep]:
        return list(await self.session.scalars(
            select(ApprovalStep).where(ApprovalStep.change_id == change_id)
            .order_by(ApprovalStep.seq).execution_options(populate_existing=True)))

    async def settle_step(self, step_id: int, status: ApprovalStatus, by: int, at: datetime,
                          reason: str | None, platform: str | None) -> bool:
        """Decide a step only if it is still pending. False: someone decided it first."""
        result = await self.session.execute(
            update(ApprovalStep).where(ApprovalStep.id == step_id, ApprovalStep.status == _PENDING)
            .values(status=status.value, decided_by=by, decided_at=at, reason=reason,
                    decided_platform=platform).execution_options(synchronize_session="fetch"))
        return result.rowcount == 1

    async def awaiting(self, approver_id: int, limit: int = 30) -> list[ChangeRequest]:
        """Pending changes whose current step is this person's."""
        rows = await self.session.scalars(
            select(ChangeRequest).join(ApprovalStep, ApprovalStep.change_id == ChangeRequest.id)
            .where(ChangeRequest.status == _PENDING, ApprovalStep.status == _PENDING,
                   ApprovalStep.activated_at.is_not(None), ApprovalStep.approver_id == approver_id)
            .order_by(ChangeRequest.id).limit(limit))
        return list(rows)

    async def raised_by(self, requester_id: int, limit: int = 30) -> list[ChangeRequest]:
        return list(await self.session.scalars(
            select(ChangeRequest).where(ChangeRequest.requester_id == requester_id,
                                        ChangeRequest.status == _PENDING)
            .order_by(ChangeRequest.id).limit(limit)))

    async def current_steps_since(self, activated_before: datetime,
                                  limit: int = 500) -> list[tuple[ChangeRequest, ApprovalStep]]:
        """Current steps of pending changes that became current before the given time."""
        rows = await self.session.execute(
            select(ChangeRequest, ApprovalStep).join(ApprovalStep, ApprovalStep.change_id == ChangeRequest.id)
            .where(ChangeRequest.status == _PENDING, ApprovalStep.status == _PENDING,
                   ApprovalStep.activated_at.is_not(None), ApprovalStep.activated_at <= activated_before)
            .order_by(ApprovalStep.activated_at, ApprovalStep.id).limit(limit))
        return [(c, s) for c, s in rows]

    async def applied_since(self, project_id: int, since: datetime) -> list[ChangeRequest]:
        """Approved changes that took effect on the project since `since` (for digests)."""
        return list(await self.session.scalars(
            select(ChangeRequest).where(ChangeRequest.project_id == project_id,
                                        ChangeRequest.applied_at.is_not(None),
                                        ChangeRequest.applied_at > since)
            .order_by(ChangeRequest.applied_at)))

    async def applied_between(self, project_ids: list[int], since: datetime,
                              until: datetime) -> dict[int, list[ChangeRequest]]:
        """Approved changes that took effect in (since, until], per project (daily digests)."""
        found: dict[int, list[ChangeRequest]] = {i: [] for i in project_ids}
        if project_ids:
            for change in await self.session.scalars(
                    select(ChangeRequest).where(ChangeRequest.project_id.in_(project_ids),
                                                ChangeRequest.applied_at > since,
                                                ChangeRequest.applied_at <= until)
                    .order_by(ChangeRequest.applied_at, ChangeRequest.id)):
                found[change.project_id].append(change)
        return found

    async def contract_for(self, project_id: int) -> Contract | None:
        """The project's main contract (the first signed), which budget changes add to."""
        return await self.session.scalar(
            select(Contract).where(Contract.project_id == project_id).order_by(Contract.id).limit(1))

    async def holders(self, project_id: int, role: Role) -> list[Person]:
        """Who holds `role` for the project: its members in that role first, then people who
        hold it organisation-wide (dept_head, hq_engineering_director …)."""
        members = list(await self.session.scalars(
            select(Person).join(ProjectMember, ProjectMember.person_id == Person.id)
            .where(ProjectMember.project_id == project_id, ProjectMember.role == role.value,
                   Person.active.is_(True)).order_by(ProjectMember.id)))
        return members + [p for p in await self.org_holders(role) if p not in members]

    async def org_holders(self, role: Role) -> list[Person]:
        # org_roles is a JSON list; a few dozen managers at most, so filter here, portably.
        people = await self.session.scalars(select(Person).where(Person.active.is_(True))
                                            .order_by(Person.id))
        return [p for p in people if role.value in (p.org_roles or ())]

    async def anyone_holds(self, role: Role) -> bool:
        member = await self.session.scalar(
            select(ProjectMember.id).join(Person, Person.id == ProjectMember.person_id)
            .where(ProjectMember.role == role.value, Person.active.is_(True)).limit(1))
        return member is not None or bool(await self.org_holders(role))

    async def history(self, number: str) -> list[AuditEntry]:
        """The change's audit trail (subject "change", "C-7"), oldest first."""
        return list(await self.session.scalars(
            select(AuditEntry).where(AuditEntry.subject_type == "change", AuditEntry.subject_id == number)
            .order_by(AuditEntry.id)))
