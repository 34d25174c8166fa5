"""Scheduled progress messages. The daily digest goes out at the project's digest time (default
[progress] digest_time, 18:00 local) to the customer groups and to contacts who asked; a quiet
day sends nothing unless configured. The weekly report goes out on Monday morning to the
internal group and managers. Each is claimed once under `digest:{code}:{date}` /
`weekly:{code}:{date}` (handlers/chat/jobs.py), so two processes or a restart send it once."""
from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta
from functools import partial

from domain.enums import Audience, Role
from domain.progress import digests
from domain.progress.digest import weekly_report
from domain.progress.digests import DigestRows
from domain.progress.rules import ProgressRules, parse_hhmm
from domain.store.models import Person, Project
from handlers.chat.cards import Card
from handlers.chat.email import email_contacts
from handlers.chat.jobs import Batch, Effect, JobDef, JobRunner
from handlers.progress.cards import digest_card, page_link, weekly_card

log = logging.getLogger(__name__)
CHUNK = 500   # digests per transaction


def digest_time(project: Project, rules: ProgressRules) -> time:
    """The project's own digest time when it has a valid one, else the configured default."""
    if project.digest_time:
        parsed = parse_hhmm(project.digest_time)
        if parsed is not None:
            return parsed
        log.warning("%s: digest_time %r is not a time like 18:00; using %s", project.code,
                    project.digest_time, rules.digest_time.strftime("%H:%M"))
    return rules.digest_time


def digest_key(project: Project, day: date) -> str:
    return f"digest:{project.code}:{day.isoformat()}"


async def scan_digests(runner: JobRunner) -> int:
    """One pass: every active project whose digest time has come today (within the catch-up
    window) and whose digest is not yet claimed. Returns how many this process performed.
    `CHUNK` digests share a transaction and are read with one query per table."""
    deps, now = runner.deps, runner.clock()
    rules, tz = deps.progress, deps.timezone
    today = now.astimezone(tz).date()
    window = timedelta(hours=rules.catch_up_hours)
    async with runner.reading() as tx:
        due = []
        for project in await tx.progress.active_projects():
            at = datetime.combine(today, digest_time(project, rules), tz)
            if at <= now < at + window:
                due.append((project.id, digest_key(project, today)))
        done = await tx.progress.claimed([key for _, key in due])
    todo = [(project_id, key) for project_id, key in due if key not in done]
    performed = 0
    for start in range(0, len(todo), CHUNK):
        performed += await runner.in_batch(partial(_digests, todo[start:start + CHUNK], today))
    return performed


async def _digests(todo: list[tuple[int, str]], day: date, batch: Batch) -> None:
    """Claim the chunk's keys, read what the claimed digests need, then send each (a digest
    that fails is undone alone and tried again at the next pass: handlers/chat/batch.py)."""
    owned = await batch.claim(key for _, key in todo)
    mine = [project_id for project_id, key in todo if key in owned]
    if not mine:
        return
    tx, deps = batch.tx, batch.deps
    projects = await tx.projects.many(mine)
    windows = {}
    for project in projects.values():
        at = datetime.combine(day, digest_time(project, deps.progress), deps.timezone)
        windows[project.id] = (at - timedelta(days=1), at)
    rows = await digests.read(tx, mine, day, deps.timezone, windows)
    contacts = await tx.progress.digest_contacts_of(
        list({p.customer_id for p in projects.values() if p.customer_id is not None}))
    batch.known.bindings.update(await tx.projects.bindings_of(mine))
    batch.known.identities.update(await tx.projects.identities_of(
        list({person.id for people in contacts.values() for person in people})))
    for project_id, key in todo:
        if key in owned:
            project = projects.get(project_id)
            people = contacts.get(project.customer_id, []) if project else []
            await batch.perform(key, partial(_digest, project, rows, people))


async def _digest(project: Project | None, rows: DigestRows, contacts: list[Person],
                  effect: Effect) -> None:
    if project is None:
        raise LookupError(f"project {effect.key} is gone")
    deps = effect.deps
    idle_ok = project.digest_when_idle if project.digest_when_idle is not None else deps.progress.send_when_idle
    if not idle_ok and not rows.active(project.id):
        return   # a quiet day: nothing to say (the claim keeps later passes from asking again)
    data = rows.digest(project)
    cards: dict[str, Card] = {}

    def card(locale: str) -> Card:   # one card per language, however many chats get it
        if locale not in cards:
            cards[locale] = digest_card(deps, locale, data, page_link(deps, locale, project, effect.now))
        return cards[locale]

    await effect.post_to_project(project.id, Audience.CUSTOMER, card, "digest")
    for person in contacts:
        await effect.notify(person, card, "digest-dm")
    await email_contacts(effect, project.customer_id, card, "digest-email")   # and by e-mail, who asked
    # Noted like any change, so outbound webhooks announce it (digest.sent).
    effect.tx.audit.append(at=effect.now, actor_id=None, platform=None, action="digest.sent",
                           subject_type="project", subject_id=project.code, data={"key": effect.key})


def weekly_key(project: Project, day: date) -> str:
    return f"weekly:{project.code}:{day.isoformat()}"


async def scan_weekly(runner: JobRunner) -> int:
    deps, now = runner.deps, runner.clock()
    rules, tz = deps.progress, deps.timezone
    local = now.astimezone(tz)
    today = local.date()
    at = datetime.combine(today, rules.weekly_time, tz)
    if today.weekday() != rules.weekly_weekday or not at <= now < at + timedelta(hours=rules.catch_up_hours):
        return 0
    async with runner.reading() as tx:
        due = [(p.id, weekly_key(p, today)) for p in await tx.progress.active_projects()]
        done = await tx.progress.claimed([key for _, key in due])
    last = today - timedelta(days=1)
    return await runner.many([(key, partial(_weekly, project_id, last)) for project_id, key in due
                              if key not in done], chunk=CHUNK)


async def _weekly(project_id: int, last: date, effect: Effect) -> None:
    deps, tx = effect.deps, effect.tx
    project = await tx.projects.get(project_id)
    data = await weekly_report(tx, project, last, deps.timezone)

    def card(locale: str):  # noqa: ANN202
        return weekly_card(deps, locale, data, page_link(deps, locale, project, effect.now))

    await effect.post_to_project(project.id, Audience.INTERNAL, card, "weekly")
    for person in await _managers(effect, project):
        await effect.notify(person, card, "weekly-dm")


async def _managers(effect: Effect, project: Project) -> list[Person]:
    """The project's managers (department heads see every project's page and the groups;
    one card per project each Monday would bury them)."""
    people: dict[int, Person] = {}
    for person, role in await effect.tx.projects.members(project.id):
        if role is Role.PROJECT_MANAGER:
            people[person.id] = person
    return list(people.values())


SCAN_SECONDS = 60


def progress_jobs() -> list[JobDef]:
    return [JobDef("progress.digest", SCAN_SECONDS, scan_digests),
            JobDef("progress.weekly", SCAN_SECONDS * 5, scan_weekly)]
