"""Follow-up reminders: an opportunity's owner gets a card on its follow-up date, claimed once
per opportunity and date (see handlers/chat/jobs.py)."""
from __future__ import annotations

from functools import partial

from handlers.chat.jobs import Effect, JobDef, JobRunner
from handlers.customers.cards import follow_up_card

# Every few minutes: a pass is one query, and the claims make repeats harmless.
SCAN_SECONDS = 300


async def scan_follow_ups(runner: JobRunner) -> None:
    """Opportunity owners get a card on the follow-up date (one per opportunity per date)."""
    local = runner.clock().astimezone(runner.deps.timezone)
    if local.hour < runner.deps.finance.send_from_hour:
        return
    async with runner.reading() as tx:
        due = [(o.id, o.next_follow_up) for o in await tx.customers.follow_ups_due(local.date())]
    for opportunity_id, when in due:
        await runner.once(f"follow-up:{opportunity_id}:{when.isoformat()}",
                          partial(_follow_up, opportunity_id))


async def _follow_up(opportunity_id: int, effect: Effect) -> None:
    opportunity = await effect.tx.customers.opportunity(opportunity_id)
    if opportunity is None or opportunity.closed_at is not None or opportunity.owner_id is None:
        return
    owner = await effect.tx.people.get(opportunity.owner_id)
    customer = await effect.tx.customers.get(opportunity.customer_id)
    await effect.notify(owner, lambda loc: follow_up_card(effect.deps, loc, opportunity, customer),
                        "owner")


def customer_jobs() -> list[JobDef]:
    return [JobDef("customers.follow_ups", SCAN_SECONDS, scan_follow_ups)]
