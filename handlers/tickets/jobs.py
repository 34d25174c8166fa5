"""The SLA scan (job "tickets.sla"): find tickets whose next step is due (index range scan on
next_due_at), then perform each step once under its idempotency key, a chunk of tickets per
transaction (`JobRunner.in_batch`: the chunk's keys claimed in one statement; a step that fails
is undone alone, see handlers/chat/batch.py) — two processes or a catch-up after downtime can
only perform a step once."""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from functools import partial

from domain.enums import Audience
from domain.store.models import Person, Ticket
from domain.store.uow import Tx
from domain.tickets import escalation
from domain.tickets.calendar import Calendar
from domain.tickets.escalation import Holders, Outcome
from domain.tickets.records import Policy
from handlers.chat.cards import Card
from handlers.chat.contract import Text
from handlers.chat.jobs import Batch, Effect, JobDef, JobRunner
from handlers.tickets.cards import level_label, survey_card, ticket_card, ticket_key

log = logging.getLogger(__name__)
BATCH = 2000   # due tickets read per pass (the next pass takes the rest)
CHUNK = 250    # tickets per transaction
MAX_STEPS_PER_TICKET = 12   # a ticket back from long downtime may owe a warning and each level


async def scan(runner: JobRunner) -> int:
    """One pass. Returns how many steps were performed by this process."""
    policy = Policy(runner.deps.rules, runner.deps.timezone)
    async with runner.reading() as tx:
        due = await tx.tickets.due(runner.clock(), BATCH)
    performed = 0
    for start in range(0, len(due), CHUNK):
        performed += await runner.in_batch(partial(_steps, policy, due[start:start + CHUNK]))
    return performed


@dataclass(frozen=True)
class _ChunkPolicy(Policy):
    """The policy, with what a chunk's steps share read once: each project's calendar, and who
    holds the roles escalation names."""
    calendars: dict[int, Calendar] = field(default_factory=dict, compare=False)
    holders: Holders = field(default_factory=Holders, compare=False)
    images: dict[int, int] = field(default_factory=dict, compare=False)   # ticket id -> photos

    async def calendar(self, tx: Tx, ticket: Ticket) -> Calendar:
        found = self.calendars.get(ticket.project_id)
        if found is None:
            found = self.calendars[ticket.project_id] = await super().calendar(tx, ticket)
        return found


async def _steps(base: Policy, ticket_ids: list[int], batch: Batch) -> None:
    """A chunk of due tickets in one transaction, in rounds: each ticket's first due step is
    claimed (one statement for the chunk) and performed, then the next one for the tickets
    that moved on, until nothing is due. A ticket whose step another process took, or whose
    step failed, is left for the next pass."""
    tx, now = batch.tx, batch.now
    policy = _ChunkPolicy(base.rules, base.tz)
    tickets = await tx.tickets.many(ticket_ids)
    await _read_ahead(batch, policy, list(tickets.values()))
    pending = [tickets[i] for i in ticket_ids if i in tickets]
    for round_ in range(MAX_STEPS_PER_TICKET):
        keys: dict[int, str] = {}
        for ticket in pending:
            step = await escalation.first_due(tx, policy, ticket, now)
            if step is not None:
                keys[ticket.id] = step.key(ticket.id)
            elif round_ == 0:   # found due but nothing is: look again later
                await batch.quietly(f"refreshing {ticket.number}",
                                    partial(escalation.refresh_stale, tx, policy, ticket.id))
        owned = await batch.claim(keys.values())
        await batch.read_cards(ticket_key(ticket_id) for ticket_id, key in keys.items() if key in owned)
        pending = []
        for ticket_id, key in keys.items():
            if key in owned and await batch.perform(key, _performer(policy, ticket_id, key, policy.holders,
                                                                    policy.images.get(ticket_id, 0))):
                pending.append(tickets[ticket_id])
        if not pending:
            break


async def _read_ahead(batch: Batch, policy: _ChunkPolicy, tickets: list[Ticket]) -> None:
    """What the steps read, in one query each: projects (calendars), assignees and reporters,
    the projects' members and groups, the holders of the org-wide roles escalation names,
    where to reach them all, and each ticket's photo count (for the escalation card: read per
    card, it was a query — and an early flush of the steps before it — for every step)."""
    tx, project_ids = batch.tx, list({t.project_id for t in tickets})
    projects = await tx.projects.many(project_ids)
    ids = {t.assignee_id for t in tickets if t.assignee_id} | {t.reporter_id for t in tickets}
    people = await tx.projects.people(list(ids))
    policy.holders.members.update(await tx.projects.members_of(project_ids))
    for role in {role for level in policy.rules.escalation.levels for role in level.notify}:
        policy.holders.org[role] = await tx.tickets.people_with_org_role(role)
    ids |= {p.id for members in policy.holders.members.values() for p, _ in members}
    ids |= {p.id for holders in policy.holders.org.values() for p in holders}
    batch.known.identities.update(await tx.projects.identities_of(list(ids)))
    batch.known.bindings.update(await tx.projects.bindings_of(project_ids))
    batch.keep([*projects.values(), *people.values()])
    policy.images.update(await tx.tickets.image_counts([t.id for t in tickets]))


def _performer(policy: Policy, ticket_id: int, key: str, holders: Holders | None = None,  # noqa: ANN202
               images: int | None = None):
    """`images`: the ticket's photo count when the caller read it ahead (None: the card reads it)."""
    async def work(effect: Effect) -> None:
        outcome = await escalation.perform(effect.tx, policy, ticket_id, key, effect.now, holders)
        if outcome is not None:
            effect.changed(ticket_key(ticket_id))
            outcome.images = images
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
    people = [p.name for p in outcome.people]
    said: dict[tuple[str, str], Text] = {}   # one text per language: everyone at the level reads the same

    def words(locale: str, key: str) -> Text:
        if (locale, key) not in said:
            names = deps.t(locale, "list.join", items=people) or "-"   # 、 or ", " by the reader's language
            said[(locale, key)] = Text(deps.t(
                locale, key, number=ticket.number, title=ticket.title, names=names,
                level=level_label(deps, locale, step.level), repeat=step.number,
                reason=deps.t(locale, f"escalation.reason.{step.reason}")))
        return said[(locale, key)]

    kind = "escalation.to_person" if step.kind == "escalate" else "escalation.repeat_person"
    cards: dict[str, Card | None] = {}   # one card per language
    for person in outcome.people:
        locale = _locale(effect, person)
        if locale not in cards:
            cards[locale] = await ticket_card(effect.tx, deps, str(ticket.id), locale,
                                              images=outcome.images)
            effect.drawn[(ticket_key(ticket.id), locale)] = cards[locale]   # the live card, now
        card = cards[locale]
        await effect.notify(person, lambda loc: words(loc, kind), "esc-text")
        await effect.notify(person, lambda loc, card=card: card, "esc-card")
    if not outcome.people:
        log.warning("%s: nobody holds the roles of escalation level %s", ticket.number, step.level)
    group = "escalation.group" if step.kind == "escalate" else "escalation.repeat_group"
    await effect.post_to_project(ticket.project_id, Audience.INTERNAL,
                                 lambda loc: words(loc, group), "esc-group")


def _locale(effect: Effect, person: Person) -> str:
    return person.locale or effect.deps.default_locale


SCAN_SECONDS = 60


def ticket_jobs() -> list[JobDef]:
    return [JobDef("tickets.sla", SCAN_SECONDS, scan)]
