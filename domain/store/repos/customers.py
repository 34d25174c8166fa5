"""Customers, contacts and opportunities."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.store.models import Contact, Customer, Opportunity, Project


class CustomersRepo:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, customer_id: int) -> Customer | None:
        return await self.session.get(Customer, customer_id)

    async def by_name(self, name: str) -> Customer | None:
        return await self.session.scalar(select(Customer).where(Customer.name == name))

    async def search(self, fragment: str, limit: int = 10) -> list[Customer]:
        pattern = "%" + fragment.replace("%", r"\%").replace("_", r"\_") + "%"
        return list(await self.session.scalars(
            select(Customer).where(Customer.name.like(pattern, escape="\\"))
            .order_by(Customer.name).limit(limit)))

    async def all(self) -> list[Customer]:
        return list(await self.session.scalars(select(Customer).order_by(Customer.id)))

    async def contacts_of(self, customer_id: int) -> list[Contact]:
        return list(await self.session.scalars(
            select(Contact).where(Contact.customer_id == customer_id).order_by(Contact.id)))

    async def all_contacts(self) -> list[Contact]:
        return list(await self.session.scalars(select(Contact).order_by(Contact.id)))

    async def contacts_of_person(self, person_id: int) -> list[Contact]:
        return list(await self.session.scalars(
            select(Contact).where(Contact.person_id == person_id).order_by(Contact.id)))

    async def projects_of(self, customer_id: int) -> list[Project]:
        return list(await self.session.scalars(
            select(Project).where(Project.customer_id == customer_id).order_by(Project.code)))

    async def opportunity(self, opportunity_id: int) -> Opportunity | None:
        return await self.session.get(Opportunity, opportunity_id)

    async def opportunities_of(self, customer_id: int) -> list[Opportunity]:
        return list(await self.session.scalars(
            select(Opportunity).where(Opportunity.customer_id == customer_id)
            .order_by(Opportunity.id)))

    async def open_opportunities(self) -> list[Opportunity]:
        return list(await self.session.scalars(
            select(Opportunity).where(Opportunity.closed_at.is_(None)).order_by(Opportunity.id)))

    async def follow_ups_due(self, on: date) -> list[Opportunity]:
        """Open opportunities whose follow-up date is today or already past."""
        return list(await self.session.scalars(
            select(Opportunity).where(Opportunity.closed_at.is_(None),
                                      Opportunity.next_follow_up.is_not(None),
                                      Opportunity.next_follow_up <= on)
            .order_by(Opportunity.id)))
