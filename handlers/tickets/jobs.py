"""The SLA scan (job "tickets.sla"): find tickets whose next step is due (index range scan on
next_due_at), then perform each step once through `JobRunner.once` under its idempotency
key — two processes or a catch-up after downtime can only perform a step once."""
from __future__ import annotations

import logging

from domain.enums import Audience
from domain.store.models import Person
from domain.tickets import escalation
from domain.tickets.escalation import Outcome
from domain.tickets.records import Policy
from handlers.chat.contract import Text
from handlers.chat.jobs import Effect, JobDef, JobRunner
from handlers.tickets.cards import level_label, survey_card, ticket_card, ticket_key

log = logging.getLogger(__name__)
BATCH = 500
MAX_STEPS_PER_TICKET = 12   # a ticket back from long downtime may owe a warning and each level


async def scan(runner: JobRunner) -> int:
    """One pass. Returns how many steps were performed by this process."""
    policy = Policy(runner.deps.rules, runner.deps.timezone)
    now = runner.clock()
    async with runner.reading() as tx:
        due = await tx.tickets.due(now, BATCH)
    performed = 0
    for ticket_id in due:
        for _ in range(MAX_STEPS_PER_TICKET):
            async with runner.reading() as tx:
                ticket = await tx.tickets.get(ticket_id)
                step = await escalation.first_due(tx, policy, ticket, now) if ticket else None
            if step is None:
                async with runner.store.transaction() as tx:   # nothing due: look again later
                    await escalation.refresh_stale(tx, policy, ticket_id)
                break
            key = step.key(ticket_id)
            if not await runner.once(key, _performer(policy, ticket_id, key)):
                break   # another process did it (or it failed and the next pass retries)
            performed += 1
    return performed


def _performer(policy: Policy, ticket_id: int, key: str):  # noqa: ANN202
    async def work(effect: Effect) -> None:
        outcome = await escalation.perform(effect.tx, policy, ticket_id, key, effect.now)
        if outcome is not None:
            effect.changed(ticket_key(ticket_id))
            await _tell(effect, outcome)
    return work


async def _tell(effect: Effect, outcome: Outcome) -> None:
    step, ticket, deps = outcome.step, outcome.ticket, effect.deps
    if step.kind in ("warn_accept", "warn_resolve"):
        due = ticket.accept_due_at if step.kind == "warn_accept" else ticket.resolve_due_at
        for person in outcome.people:
            effect_key = f"warn:{step.kind}"
            await effect.notify(person, lambda loc: Text(deps.t(
                loc, f"escalation.{step.kind}", number=ticket.number, title=ticket.title,
                percent=deps.rules.escalation.warn_percent, due=deps.local(due))), effect_key)
    elif step.kind in ("escalate", "repeat"):
        await _escalate(effect, outcome)
    elif step.kind == "auto_close" and outcome.survey is not None:
        reporter = await effect.tx.people.get(ticket.reporter_id)
        card = await survey_card(effect.tx, deps, str(ticket.id), _locale(effect, reporter))
        await effect.notify(reporter, lambda loc: card, "survey")


async def _escalate(effect: Effect, outcome: Outcome) -> None:
    """The escalation card (the live ticket card, with 接管) to everyone at the level, and a
    note in the project's internal group."""
    step, ticket, deps = outcome.step, outcome.ticket, effect.deps
    names = "、".join(p.name for p in outcome.people) or "-"

    def words(locale: str, key: str) -> str:
        return deps.t(locale, key, number=ticket.number, title=ticket.title, names=names,
                      level=level_label(deps, locale, step.level), repeat=step.number,
                      reason=deps.t(locale, f"escalation.reason.{step.reason}"))

    kind = "escalation.to_person" if step.kind == "escalate" else "escalation.repeat_person"
    for person in outcome.people:
        locale = _locale(effect, person)
        card = await ticket_card(effect.tx, deps, str(ticket.id), locale)
        await effect.notify(person, lambda loc: Text(words(loc, kind)), "esc-text")
        await effect.notify(person, lambda loc, card=card: card, "esc-card")
    if not outcome.people:
        log.warning("%s: nobody holds the roles of escalation level %s", ticket.number, step.level)
    group = "escalation.group" if step.kind == "escalate" else "escalation.repeat_group"
    await effect.post_to_project(ticket.project_id, Audience.INTERNAL,
                                 lambda loc: Text(words(loc, group)), "esc-group")


def _locale(effect: Effect, person: Person) -> str:
    return person.locale or effect.deps.default_locale


SCAN_SECONDS = 60


def ticket_jobs() -> list[JobDef]:
    return [JobDef("tickets.sla", SCAN_SECONDS, scan)]
