"""NPS (净推荐值): "how likely are you to recommend us?", 0–10, asked of customer contacts — the
people on a project as 业主/监理 and the customer's contacts who have a person record — when a
milestone of their project is reached and each quarter (ReportRules.nps_occasions). Kept like
the ticket survey: one row per card sent, the score once answered, changeable by answering
again. Nobody is asked twice within `nps_gap_days`."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from domain.enums import CUSTOMER_SIDE
from domain.errors import InvalidInput, NotAllowed, NotFound
from domain.reports.rules import ReportRules
from domain.store.models import Person, Project
from domain.store.models.reports import NpsSurvey
from domain.store.uow import Tx

SCORES = range(0, 11)
COMMENT_MAX = 500
MILESTONE_CATCH_UP_DAYS = 2   # a milestone reached while the process was down is still asked about
QUARTER_ASK_DAYS = 14         # the quarterly card goes out within the quarter's first two weeks


def milestone_occasion(milestone_id: int) -> str:
    return f"milestone:{milestone_id}"


def quarter_occasion(day: date) -> str:
    return f"quarter:{day.year}-Q{(day.month - 1) // 3 + 1}"


@dataclass(frozen=True)
class Ask:
    person_id: int
    project_id: int
    customer_id: int | None
    occasion: str

    @property
    def key(self) -> str:
        """The claim key of sending this card (once across processes and restarts)."""
        return f"nps:{self.occasion}:{self.person_id}"


async def contacts_of(tx: Tx, projects: list[Project]) -> dict[int, list[Person]]:
    """Each project's customer contacts who can be asked: its 业主/监理 members (the customer's
    side, CUSTOMER_SIDE) and its customer's contacts with a person record, active, each once."""
    members = await tx.projects.members_of([p.id for p in projects])
    found: dict[int, list[Person]] = {}
    for project in projects:
        people = {p.id: p for p, role in members.get(project.id, []) if role in CUSTOMER_SIDE}
        if project.customer_id is not None:
            for contact in await tx.customers.contacts_of(project.customer_id):
                if contact.person_id and contact.person_id not in people:
                    person = await tx.people.get(contact.person_id)
                    if person is not None and person.active:
                        people[person.id] = person
        found[project.id] = list(people.values())
    return found


async def due_asks(tx: Tx, rules: ReportRules, now: datetime, tz: ZoneInfo) -> list[Ask]:
    """The NPS cards due at `now` (read only; each is sent under `Ask.key`)."""
    local = now.astimezone(tz)
    today = local.date()
    projects = {p.id: p for p in await tx.progress.active_projects()}
    wanted: list[Ask] = []
    if "milestone" in rules.nps_occasions:
        reached = await tx.reports.reached(today - timedelta(days=MILESTONE_CATCH_UP_DAYS), today)
        mine = [m for m in reached if m.project_id in projects]
        contacts = await contacts_of(tx, [projects[pid] for pid in {m.project_id for m in mine}])
        for milestone in mine:
            project = projects[milestone.project_id]
            wanted += [Ask(p.id, project.id, project.customer_id, milestone_occasion(milestone.id))
                       for p in contacts.get(project.id, [])]
    quarter_start = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    if ("quarterly" in rules.nps_occasions and (today - quarter_start).days < QUARTER_ASK_DAYS
            and local.time() >= rules.nps_time):
        contacts = await contacts_of(tx, list(projects.values()))
        for project in projects.values():
            wanted += [Ask(p.id, project.id, project.customer_id, quarter_occasion(today))
                       for p in contacts.get(project.id, [])]
    return await _not_too_soon(tx, wanted, now, rules)


async def _not_too_soon(tx: Tx, wanted: list[Ask], now: datetime, rules: ReportRules) -> list[Ask]:
    """One card per person per pass, none to someone asked within the gap."""
    last = await tx.reports.state.last_nps_sent([a.person_id for a in wanted])
    gap = timedelta(days=rules.nps_gap_days)
    out, seen = [], set()
    for ask in wanted:
        sent = last.get(ask.person_id)
        if ask.person_id in seen or (sent is not None and now - sent < gap):
            continue
        seen.add(ask.person_id)
        out.append(ask)
    return out


async def ask(tx: Tx, wanted: Ask, now: datetime) -> NpsSurvey | None:
    """Record the card as sent; None when this person was asked on this occasion already."""
    if await tx.reports.state.nps_of(wanted.occasion, wanted.person_id) is not None:
        return None
    survey = NpsSurvey(occasion=wanted.occasion, respondent_id=wanted.person_id,
                       customer_id=wanted.customer_id, project_id=wanted.project_id, sent_at=now)
    tx.add(survey)
    await tx.flush()
    return survey


async def answer(tx: Tx, actor: Person | None, survey_id: int | None, score: int, now: datetime,
                 comment: str | None = None) -> tuple[NpsSurvey, bool]:
    """The respondent's score (and comment) on their card — `survey_id` None: their newest
    card. Returns (survey, changed); the same score again changes nothing."""
    if actor is None or not actor.active:
        raise NotAllowed()
    if score not in SCORES:
        raise InvalidInput("nps.bad_score")
    state = tx.reports.state
    if survey_id is None:
        survey = await state.latest_open_nps(actor.id) or await state.latest_nps(actor.id)
    else:
        survey = await state.nps(survey_id)
    if survey is None:
        raise NotFound("nps.none")
    if survey.respondent_id != actor.id:
        raise NotAllowed()
    text = (comment or "").strip()[:COMMENT_MAX] or None
    changed = survey.score != score or (text is not None and text != survey.comment)
    if changed:
        survey.score, survey.answered_at = score, now
        survey.comment = text or survey.comment
        tx.audit.append(at=now, actor_id=actor.id, platform=None, action="nps.answer",
                        subject_type="nps", subject_id=survey.id, data={"score": score})
        await tx.flush()
    return survey, changed
