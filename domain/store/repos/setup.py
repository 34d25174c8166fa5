"""Queries behind setting a company up (issue 14): admins, project codes, what stands in the
way of removing a milestone or closing a project. Bound to a transaction by `setup_repo(tx)`
(the unit of work's own repositories are not changed for it)."""
from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from domain.errors import StoreBusy
from domain.store.models import (ChangeRequest, Contract, Milestone, Payment, PaymentMilestone,
                                 Person, Project, Ticket)
from domain.store.models.progress import MilestoneUpdate

if TYPE_CHECKING:
    from domain.store.uow import Tx

OPEN_TICKETS = ("open", "in_progress")
CODE_LOCK_WAIT = 3.0   # seconds a new project's code waits for another's
_TRY_CODE_LOCK = text("SELECT pg_try_advisory_xact_lock(hashtext('sitebot:project-code'))")


class SetupRepo:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def admins(self) -> list[Person]:
        return list(await self.session.scalars(
            select(Person).where(Person.is_admin.is_(True), Person.active.is_(True)).order_by(Person.id)))

    async def project_codes(self) -> list[str]:
        """The codes a new project's code is chosen after (the highest + 1). On PostgreSQL the
        choice is serialized until this transaction ends (an advisory transaction lock), so two
        projects created at the same moment — on two replicas, or two lanes of one — never pick
        the same code; SQLite has one writer at a time already.

        The lock is tried, not waited for: a transaction handling several events may hold it
        while it waits for a row another holds, which may be waiting for the lock (seen with
        replicas: PostgreSQL then broke the deadlock and the event answered "internal error").
        After CODE_LOCK_WAIT this transaction gives up as busy (StoreBusy: nothing written, its
        events are handled again later) and the other goes on."""
        if self.session.bind.dialect.name == "postgresql":
            deadline = time.monotonic() + CODE_LOCK_WAIT
            while not await self.session.scalar(_TRY_CODE_LOCK):
                if time.monotonic() > deadline:
                    raise StoreBusy("another transaction is choosing a project code")
                await asyncio.sleep(0.02)
        return list(await self.session.scalars(select(Project.code)))

    async def projects(self, include_closed: bool) -> list[Project]:
        query = select(Project).order_by(Project.code)
        if not include_closed:
            query = query.where(Project.status != "closed")
        return list(await self.session.scalars(query))

    async def milestone_has_updates(self, milestone_id: int) -> bool:
        found = await self.session.scalar(select(func.count()).select_from(MilestoneUpdate)
                                          .where(MilestoneUpdate.milestone_id == milestone_id))
        return bool(found)

    async def payments_triggered_by(self, milestone_id: int) -> list[PaymentMilestone]:
        return list(await self.session.scalars(
            select(PaymentMilestone).where(PaymentMilestone.trigger_milestone_id == milestone_id)
            .order_by(PaymentMilestone.id)))

    async def open_tickets(self, project_id: int) -> list[Ticket]:
        return list(await self.session.scalars(
            select(Ticket).where(Ticket.project_id == project_id, Ticket.status.in_(OPEN_TICKETS))
            .order_by(Ticket.id)))

    async def paused_tickets(self, project_id: int, reason: str) -> list[Ticket]:
        return list(await self.session.scalars(
            select(Ticket).where(Ticket.project_id == project_id, Ticket.paused_reason == reason,
                                 Ticket.status.in_(OPEN_TICKETS)).order_by(Ticket.id)))

    async def pending_changes(self, project_id: int) -> list[ChangeRequest]:
        return list(await self.session.scalars(
            select(ChangeRequest).where(ChangeRequest.project_id == project_id,
                                        ChangeRequest.status == "pending").order_by(ChangeRequest.id)))

    async def contract_by_number(self, number: str) -> Contract | None:
        return await self.session.scalar(select(Contract).where(Contract.number == number))

    async def schedule(self, contract_id: int) -> list[PaymentMilestone]:
        return list(await self.session.scalars(
            select(PaymentMilestone).where(PaymentMilestone.contract_id == contract_id)
            .order_by(PaymentMilestone.seq, PaymentMilestone.id)))

    async def payment_count(self, payment_milestone_id: int) -> int:
        return await self.session.scalar(select(func.count()).select_from(Payment).where(
            Payment.payment_milestone_id == payment_milestone_id)) or 0

    async def milestone(self, milestone_id: int) -> Milestone | None:
        return await self.session.get(Milestone, milestone_id)


def setup_repo(tx: "Tx") -> SetupRepo:
    return SetupRepo(tx.session)
