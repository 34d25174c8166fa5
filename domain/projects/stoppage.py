"""停工: stoppage days on a project. They go into the project's calendar, which the SLA clock
reads (a stopped day counts for nothing, even on the wall clock), and the unfinished part of
the plan moves by the days that were lost: milestones not reached whose planned end falls on
or after the first stopped day (and those not started, their start too), the project's planned
end, and the expected due dates of payments waiting on those milestones."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from domain.access import SetupAction, require_on_setup
from domain.errors import InvalidInput, InvalidTransition
from domain.store.models import Person, Project
from domain.store.repos.setup import setup_repo
from domain.store.uow import Tx
from domain.tickets.records import Policy

MAX_DAYS = 366
REASON_MAX = 200


@dataclass
class Stoppage:
    days: list[date]                                     # the days newly stopped
    moved: list[tuple[str, str, str]] = field(default_factory=list)   # (milestone, before, after)
    project_end: tuple[str, str] | None = None
    tickets: list[int] = field(default_factory=list)    # open tickets whose deadlines were redone


async def add_stoppage(tx: Tx, actor: Person, project: Project, start: date, end: date, reason: str,
                       policy: Policy, now: datetime) -> Stoppage:
    await require_on_setup(tx, actor, SetupAction.RECORD_STOPPAGE, project.id)
    if project.status == "closed":
        raise InvalidTransition("setup.closed", code=project.code)
    if end < start:
        raise InvalidInput("setup.stop.end_before_start", start=start.isoformat(), end=end.isoformat())
    if (end - start).days + 1 > MAX_DAYS:
        raise InvalidInput("setup.stop.too_long", limit=MAX_DAYS)
    reason = reason.strip()
    if not reason or len(reason) > REASON_MAX:
        raise InvalidInput("setup.stop.no_reason", limit=REASON_MAX)
    calendar: dict[str, Any] = dict(project.calendar or {})
    known = set(calendar.get("stoppage_days", ()))
    days = [start + timedelta(days=i) for i in range((end - start).days + 1)]
    new = [d for d in days if d.isoformat() not in known]
    if not new:
        raise InvalidInput("setup.stop.already", start=start.isoformat(), end=end.isoformat())
    calendar["stoppage_days"] = sorted(known | {d.isoformat() for d in new})
    calendar["stoppages"] = [*calendar.get("stoppages", ()),
                             {"from": start.isoformat(), "to": end.isoformat(), "reason": reason,
                              "by": actor.name, "days": len(new)}]
    project.calendar = calendar            # a new dict, so the JSON column is written
    result = Stoppage(new)
    await _shift_plan(tx, project, start, len(new), result)
    repo = setup_repo(tx)
    for ticket in await repo.open_tickets(project.id):
        if ticket.sla_since is not None:
            await policy.refresh(tx, ticket)   # deadlines read the new calendar
            result.tickets.append(ticket.id)
    tx.audit.append(at=now, actor_id=actor.id, platform=None, action="project.stoppage",
                    subject_type="project", subject_id=project.code,
                    data={"from": start.isoformat(), "to": end.isoformat(), "reason": reason,
                          "days": len(new), "moved": result.moved, "project_end": result.project_end})
    await tx.flush()
    return result


async def _shift_plan(tx: Tx, project: Project, start: date, days: int, result: Stoppage) -> None:
    shift = timedelta(days=days)
    moved_ids = {}
    for milestone in await tx.projects.milestones(project.id):
        if milestone.actual_end is not None or milestone.planned_end is None or milestone.planned_end < start:
            continue
        before = milestone.planned_end
        milestone.planned_end = before + shift
        if milestone.actual_start is None and milestone.planned_start and milestone.planned_start >= start:
            milestone.planned_start += shift
        result.moved.append((milestone.name, before.isoformat(), milestone.planned_end.isoformat()))
        moved_ids[milestone.id] = milestone
    if project.planned_end_date is not None and project.planned_end_date >= start:
        before = project.planned_end_date
        project.planned_end_date = before + shift
        result.project_end = (before.isoformat(), project.planned_end_date.isoformat())
    for payment, _ in await tx.finance.milestones_of_project(project.id):
        trigger = moved_ids.get(payment.trigger_milestone_id)
        if trigger is not None and payment.status != "paid":
            payment.due_date = trigger.planned_end + timedelta(days=payment.trigger_offset_days)
