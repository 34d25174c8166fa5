"""Contracts, payment milestones and payments."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.store.models import Contract, Milestone, Payment, PaymentMilestone, Person, Project

ZERO = Decimal("0.00")


class FinanceRepo:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def contracts_of(self, project_id: int) -> list[Contract]:
        return list(await self.session.scalars(
            select(Contract).where(Contract.project_id == project_id).order_by(Contract.id)))

    async def contract(self, contract_id: int) -> Contract | None:
        return await self.session.get(Contract, contract_id)

    async def milestone(self, milestone_id: int) -> PaymentMilestone | None:
        return await self.session.get(PaymentMilestone, milestone_id)

    async def milestones_of_project(self, project_id: int) -> list[tuple[PaymentMilestone, Contract]]:
        rows = await self.session.execute(
            select(PaymentMilestone, Contract).join(Contract, PaymentMilestone.contract_id == Contract.id)
            .where(Contract.project_id == project_id)
            .order_by(Contract.id, PaymentMilestone.seq, PaymentMilestone.id))
        return [(m, c) for m, c in rows]

    async def milestones_with_projects(self, *, unpaid_only: bool = False,
                                       customer_id: int | None = None,
                                       project_ids: list[int] | None = None,
                                       ) -> list[tuple[PaymentMilestone, Contract, Project]]:
        query = (select(PaymentMilestone, Contract, Project)
                 .join(Contract, PaymentMilestone.contract_id == Contract.id)
                 .join(Project, Contract.project_id == Project.id)
                 .order_by(Project.code, Contract.id, PaymentMilestone.seq, PaymentMilestone.id))
        if unpaid_only:
            query = query.where(PaymentMilestone.status != "paid")
        if customer_id is not None:
            query = query.where(Project.customer_id == customer_id)
        if project_ids is not None:
            query = query.where(Project.id.in_(project_ids))
        return [(m, c, p) for m, c, p in await self.session.execute(query)]

    async def paid_totals(self, milestone_ids: list[int]) -> dict[int, Decimal]:
        if not milestone_ids:
            return {}
        rows = await self.session.execute(
            select(Payment.payment_milestone_id, func.sum(Payment.amount))
            .where(Payment.payment_milestone_id.in_(milestone_ids))
            .group_by(Payment.payment_milestone_id))
        totals = {i: ZERO for i in milestone_ids}
        totals.update({i: Decimal(total).quantize(Decimal("0.01")) for i, total in rows})
        return totals

    async def paid_total(self, milestone_id: int) -> Decimal:
        return (await self.paid_totals([milestone_id]))[milestone_id]

    async def payments_of(self, milestone_id: int) -> list[Payment]:
        return list(await self.session.scalars(
            select(Payment).where(Payment.payment_milestone_id == milestone_id).order_by(Payment.id)))

    async def payment_by_ref(self, ref: str) -> Payment | None:
        return await self.session.scalar(select(Payment).where(Payment.ref == ref))

    async def project_milestones(self, ids: list[int]) -> dict[int, Milestone]:
        if not ids:
            return {}
        rows = await self.session.scalars(select(Milestone).where(Milestone.id.in_(ids)))
        return {m.id: m for m in rows}

    async def people_with_org_role(self, role: str) -> list[Person]:
        """Org roles live in a JSON list; the people table is small, so filter here."""
        rows = await self.session.scalars(
            select(Person).where(Person.active.is_(True)).order_by(Person.id))
        return [p for p in rows if role in (p.org_roles or ())]
