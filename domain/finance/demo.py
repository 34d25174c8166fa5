"""Demo data for customers and payments, added by `domain.demo.seed_demo`: a finance director
for the last step of the dunning ladder, the advance payment of HT-2026-001 actually received,
and two opportunities in the funnel (one to follow up today)."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from domain.customers.funnel import PROBABILITY, Stage
from domain.enums import Role
from domain.store.models import Identity, Opportunity, Payment, Person
from domain.store.uow import Tx


async def seed_finance_demo(tx: Tx, now: datetime, today: date) -> None:
    director = Person(name="冯总监", org_roles=[Role.FINANCE_DIRECTOR.value], created_at=now)
    tx.add(director)
    await tx.flush()
    tx.add(Identity(person_id=director.id, platform="console", external_id="u-feng",
                    display_name=director.name, alt_ids={}, created_at=now))
    accountant = (await tx.people.by_name("钱会计") or [director])[0]
    seller = (await tx.people.by_name("郑销售") or [director])[0]
    project = await tx.projects.by_code("P-001")
    if project is not None:
        for milestone, _ in await tx.finance.milestones_of_project(project.id):
            if milestone.status == "paid":
                tx.add(Payment(payment_milestone_id=milestone.id, amount=milestone.amount,
                               paid_on=milestone.due_date, recorded_by=accountant.id,
                               note="demo", created_at=now))
                milestone.settled_on = milestone.due_date
    customers = await tx.customers.all()
    plans = [("星河广场二期", Stage.NEGOTIATION, "68000000", today),
             ("临江一中体育馆", Stage.PROPOSAL, "9500000", today + timedelta(days=5))]
    for customer, (title, stage, amount, follow) in zip(customers, plans):
        tx.add(Opportunity(customer_id=customer.id, title=title, stage=stage.value,
                           amount=Decimal(amount), probability=PROBABILITY[stage],
                           owner_id=seller.id, next_follow_up=follow, created_at=now))
