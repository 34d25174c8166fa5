"""The payment scan: reminders before a due date, due dates set by reached project milestones,
and the dunning ladder. Each step is claimed once (see handlers/chat/jobs.py) and re-checked
inside its own transaction, so a payment recorded a moment earlier stops it."""
from __future__ import annotations

from functools import partial

from domain.enums import Audience, Role
from domain.finance import dunning
from domain.finance.ledger import receivable, receivables
from handlers.chat.email import email_contacts
from handlers.chat.jobs import Effect, JobDef, JobRunner
from handlers.finance.cards import (build_customer_due_card, build_payment_card, day)


async def scan_payments(runner: JobRunner) -> None:
    rules = runner.deps.finance
    local = runner.clock().astimezone(runner.deps.timezone)
    if local.hour < rules.send_from_hour:
        return
    async with runner.reading() as tx:
        steps = dunning.plan(await receivables(tx, unpaid_only=True), local.date(), rules)
    for step in steps:
        await runner.once(step.key, partial(_perform, step))


async def _perform(step: dunning.Step, effect: Effect) -> None:
    row = await receivable(effect.tx, step.receivable.milestone.id)
    if row is None or row.settled:
        return  # paid between the scan and now: the ladder has stopped
    deps, project, m = effect.deps, row.project, row.milestone
    if step.kind == "due_set":
        m.due_date = row.due
        people = await dunning.internal_recipients(effect.tx, project, (Role.PROJECT_MANAGER,))
        for person in people:
            await effect.notify(person, lambda loc: build_payment_card(deps, loc, row, None), "due-set")
        effect.tx.audit.append(at=effect.now, actor_id=None, platform=None, action="payment.due_set",
                               subject_type="payment_milestone", subject_id=m.id,
                               data={"due": day(row.due)})
        return
    if step.kind == "remind":
        people = await dunning.internal_recipients(effect.tx, project, (Role.PROJECT_MANAGER,))
        for person in people:
            await effect.notify(person, lambda loc: build_payment_card(deps, loc, row, step.days),
                                "remind")
        return
    ladder = step.ladder
    people = await dunning.internal_recipients(effect.tx, project, ladder.recipients())
    for person in people:
        await effect.notify(person, lambda loc: build_payment_card(deps, loc, row, ladder.days),
                            "internal")
    await _tell_customer(effect, row, ladder.days)
    effect.tx.audit.append(at=effect.now, actor_id=None, platform=None, action="payment.dun",
                           subject_type="payment_milestone", subject_id=m.id,
                           data={"step": ladder.label, "days_overdue": step.days,
                                 "told": [p.id for p in people]})


async def _tell_customer(effect: Effect, row, days: int) -> None:  # noqa: ANN001
    """The customer's contacts directly; the customer group when no contact can be reached."""
    deps = effect.deps
    reached = 0
    for person in await dunning.customer_people(effect.tx, row.project):
        reached += await effect.notify(
            person, lambda loc: build_customer_due_card(deps, loc, row, days), "customer")
    await email_contacts(effect, row.project.customer_id,   # and by e-mail, to contacts who asked
                         lambda loc: build_customer_due_card(deps, loc, row, days), "customer-email")
    if not reached:
        await effect.post_to_project(row.project.id, Audience.CUSTOMER,
                                     lambda loc: build_customer_due_card(deps, loc, row, days),
                                     "customer-group")


# Every few minutes: a pass is a couple of queries, and the claims make repeats harmless.
SCAN_SECONDS = 300


def finance_jobs() -> list[JobDef]:
    return [JobDef("finance.payments", SCAN_SECONDS, scan_payments)]
