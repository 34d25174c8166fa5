"""Scheduled report work, each effect claimed once across processes and restarts
(handlers/chat/jobs.py):

- `report-weekly:{monday}:{person}` / `report-monthly:{month}:{person}` — last week's report
  on Monday morning and last month's on the 1st, to the holders of [reports] recipients;
- `nps:{occasion}:{person}` — the NPS card to a customer contact (domain/reports/nps.py);
- `report-warn:{subject}:{state}:{n}` — a project turned late, a customer turned at risk
  (domain/reports/watch.py): a card to the department head."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from functools import partial

from domain.reports import nps, watch
from domain.reports.periods import Kind, Period, last_complete
from domain.reports.report import report_and_trend
from domain.reports.scope import Scope, scope_of
from domain.store.models import Person
from handlers.chat.cards import Card, LinkButton
from handlers.chat.context import Deps
from handlers.chat.jobs import Effect, JobDef, JobRunner
from handlers.reports.cards import report_card
from handlers.reports.nps import nps_card
from handlers.reports.warnings import warning_card, warned_people
from handlers.reports.words import Asked


def _due(runner: JobRunner, kind: Kind) -> Period | None:
    """Last week's (on the weekday) or last month's (on the 1st) report, if its time has come
    and not passed by more than the catch-up window."""
    rules, tz, now = runner.deps.reports, runner.deps.timezone, runner.clock()
    local = now.astimezone(tz)
    today = local.date()
    on_day = today.weekday() == rules.weekly_weekday if kind is Kind.WEEK else today.day == 1
    wanted = rules.weekly if kind is Kind.WEEK else rules.monthly
    at = datetime.combine(today, rules.push_time, tz)
    if not (wanted and on_day and at <= now < at + timedelta(hours=rules.catch_up_hours)):
        return None
    return last_complete(kind, now, tz)


async def push_reports(runner: JobRunner) -> int:
    performed = 0
    for kind, name in ((Kind.WEEK, "weekly"), (Kind.MONTH, "monthly")):
        period = _due(runner, kind)
        if period is None:
            continue
        async with runner.reading() as tx:
            people: dict[int, Person] = {}
            for role in runner.deps.reports.recipients:
                people.update({p.id: p for p in await tx.finance.people_with_org_role(role)})
            done = await tx.progress.claimed([f"report-{name}:{period.first}:{pid}" for pid in people])
        drawn: dict[tuple, Card] = {}
        work = [(key, partial(_push, name, period, person_id, drawn)) for person_id in people
                if (key := f"report-{name}:{period.first}:{person_id}") not in done]
        performed += await runner.many(work, chunk=50)
    return performed


async def _push(name: str, period: Period, person_id: int, drawn: dict, effect: Effect) -> None:
    tx, deps = effect.tx, effect.deps
    person = await tx.people.get(person_id)
    if person is None or not person.active:
        return
    scope: Scope = await scope_of(tx, person)
    locale = person.locale or deps.default_locale
    key = (scope.project_ids, scope.areas, locale)
    if key not in drawn:   # one report and one chart per scope and language, however many get it
        report, points = await report_and_trend(tx, scope, period, deps.reports, effect.now)
        drawn[key] = await report_card(deps, locale, report, points, Asked(period, None), None, effect.now,
                                       title_key=f"reports.{name}_title", export=False)
    card = drawn[key]
    if deps.cockpit_link is not None:   # each person's own link (their scope, their name)
        card = _with_link(deps, locale, card, person, effect.now)
    await effect.notify(person, card, name)


def _with_link(deps: Deps, locale: str, card: Card, person: Person, now: datetime) -> Card:
    link = LinkButton(deps.t(locale, "reports.cockpit"), deps.cockpit_link(person, now))
    return replace(card, actions=(link,))


async def send_nps(runner: JobRunner) -> int:
    deps = runner.deps
    async with runner.reading() as tx:
        asks = await nps.due_asks(tx, deps.reports, runner.clock(), deps.timezone)
    return await runner.many([(ask.key, partial(_ask, ask)) for ask in asks])


async def _ask(ask: nps.Ask, effect: Effect) -> None:
    survey = await nps.ask(effect.tx, ask, effect.now)
    person = await effect.tx.people.get(ask.person_id)
    if survey is None or person is None:
        return
    locale = person.locale or effect.deps.default_locale
    card = await nps_card(effect.tx, effect.deps, str(survey.id), locale)
    await effect.notify(person, card, "nps")


async def warn(runner: JobRunner) -> int:
    deps = runner.deps
    if not deps.reports.warnings:
        return 0
    async with runner.reading() as tx:
        seen = await watch.seen_now(tx, deps.reports, runner.clock(), deps.timezone)
        watched = await tx.reports.state.watches([s.subject for s in seen])
    return await runner.many([(turn.key, partial(_warn, turn)) for turn in watch.turns(seen, watched)])


async def _warn(turn: watch.Turn, effect: Effect) -> None:
    await watch.record(effect.tx, turn, effect.now)
    if not turn.bad:
        return
    for person in await warned_people(effect.tx, turn):
        locale = person.locale or effect.deps.default_locale
        await effect.notify(person, warning_card(effect.deps, locale, turn, person, effect.now), "warn")


def report_jobs() -> list[JobDef]:
    return [JobDef("reports.push", 300, push_reports), JobDef("reports.nps", 600, send_nps),
            JobDef("reports.warnings", 900, warn)]
