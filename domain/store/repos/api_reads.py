"""The open API's lists: one page of a table by id (a keyset cursor, so a page costs the same
however deep), filtered by project, status and updated-since where the table has them."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.store.models import (ChangeRequest, Contact, Contract, Customer, Milestone, Payment,
                                 PaymentMilestone, Project, Ticket)

# resource -> (model, how it reaches a project id, the status column, the changed-at column)
_LISTS: dict[str, tuple[type, Any, Any, Any]] = {
    "projects": (Project, Project.id, Project.status, Project.created_at),
    "milestones": (Milestone, Milestone.project_id, None, Milestone.updated_at),
    "tickets": (Ticket, Ticket.project_id, Ticket.status, Ticket.updated_at),
    "changes": (ChangeRequest, ChangeRequest.project_id, ChangeRequest.status, ChangeRequest.created_at),
    "contracts": (Contract, Contract.project_id, None, Contract.created_at),
    "customers": (Customer, None, None, Customer.created_at),
    "contacts": (Contact, None, None, None),
}


@dataclass(frozen=True)
class Filters:
    project_ids: list[int] | None = None     # None: every project
    status: str | None = None
    updated_since: datetime | None = None


class ApiReads:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def page(self, resource: str, filters: Filters, after_id: int, limit: int) -> list[Any]:
        """Up to `limit` + 1 rows after `after_id` (the extra one says there is a next page)."""
        model, project_col, status_col, changed_col = _LISTS[resource]
        query = select(model).where(model.id > after_id).order_by(model.id).limit(limit + 1)
        if filters.project_ids is not None and project_col is not None:
            query = query.where(project_col.in_(filters.project_ids))
        if filters.project_ids is not None and model is Customer:   # the customers of those projects
            query = query.where(Customer.id.in_(select(Project.customer_id)
                                                .where(Project.id.in_(filters.project_ids))))
        if filters.status and status_col is not None:
            query = query.where(status_col == filters.status)
        if filters.updated_since is not None and changed_col is not None:
            query = query.where(changed_col >= filters.updated_since)
        return list(await self.session.scalars(query))

    async def one(self, resource: str, ident: int) -> Any | None:
        return await self.session.get(_LISTS[resource][0], ident)

    async def payment_milestones(self, project_ids: list[int] | None, after_id: int,
                                 limit: int) -> list[tuple[PaymentMilestone, Contract]]:
        query = (select(PaymentMilestone, Contract).join(Contract, Contract.id == PaymentMilestone.contract_id)
                 .where(PaymentMilestone.id > after_id).order_by(PaymentMilestone.id).limit(limit + 1))
        if project_ids is not None:
            query = query.where(Contract.project_id.in_(project_ids))
        return [(m, c) for m, c in await self.session.execute(query)]

    async def payments(self, project_ids: list[int] | None, since: datetime | None, after_id: int,
                       limit: int) -> list[tuple[Payment, PaymentMilestone, Contract]]:
        query = (select(Payment, PaymentMilestone, Contract)
                 .join(PaymentMilestone, PaymentMilestone.id == Payment.payment_milestone_id)
                 .join(Contract, Contract.id == PaymentMilestone.contract_id)
                 .where(Payment.id > after_id).order_by(Payment.id).limit(limit + 1))
        if project_ids is not None:
            query = query.where(Contract.project_id.in_(project_ids))
        if since is not None:
            query = query.where(Payment.created_at >= since)
        return [(p, m, c) for p, m, c in await self.session.execute(query)]

    async def contacts_of(self, customer_id: int) -> list[Contact]:
        return list(await self.session.scalars(
            select(Contact).where(Contact.customer_id == customer_id).order_by(Contact.id)))
