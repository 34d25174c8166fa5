"""Demo approvers for change requests: an HQ engineering director above the department head,
so a big change has a two-step chain and an escalation has somewhere to go."""
from __future__ import annotations

from datetime import datetime

from domain.enums import Role
from domain.store.models import Identity, Person
from domain.store.uow import Tx


async def seed_change_approvers(tx: Tx, now: datetime, people: dict[str, Person]) -> None:
    director = Person(name="郭总监", org_roles=[Role.HQ_ENGINEERING_DIRECTOR.value], created_at=now)
    tx.add(director)
    await tx.flush()
    tx.add(Identity(person_id=director.id, platform="console", external_id="u-guo",
                    display_name=director.name, alt_ids={}, created_at=now))
    if "u-zhou" in people:
        people["u-zhou"].superior_id = director.id
