"""Editing a project's details: name, address, customer, dates, the digest time and its
working calendar (business hours or the wall clock, working hours and days)."""
from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from domain.access import SetupAction, require_on_setup
from domain.errors import InvalidInput
from domain.progress.rules import parse_hhmm
from domain.projects.service import ADDRESS_MAX, check_dates, check_name, customer_named
from domain.store.models import Person, Project
from domain.store.uow import Tx
from domain.tickets.calendar import parse_calendar


@dataclass(frozen=True)
class ProjectEdit:
    """Only the fields given (not None) change."""
    name: str | None = None
    address: str | None = None
    customer: str | None = None
    start: date | None = None
    end: date | None = None
    digest_time: str | None = None          # "18:00"
    business_hours: bool | None = None      # the SLA clock: working hours only, or every minute
    hours: tuple[str, ...] | None = None    # ("08:00-12:00", "13:00-17:30")
    workdays: tuple[int, ...] | None = None  # ISO weekdays, Monday = 1

    def given(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name) is not None}


async def edit_project(tx: Tx, actor: Person, project: Project, edit: ProjectEdit, now: datetime,
                       tz: ZoneInfo) -> dict[str, Any]:
    """Apply the edit; returns what changed ({field: [before, after]}), empty if nothing."""
    await require_on_setup(tx, actor, SetupAction.EDIT_PROJECT, project.id)
    given = edit.given()
    if not given:
        raise InvalidInput("setup.edit.nothing")
    check_dates(edit.start or project.start_date, edit.end or project.planned_end_date)
    changed: dict[str, Any] = {}

    def put(attr: str, value: Any, shown: Any = None) -> None:
        before = getattr(project, attr)
        if before != value:
            changed[attr] = [_plain(before), _plain(shown if shown is not None else value)]
            setattr(project, attr, value)

    if edit.name is not None:
        put("name", check_name(edit.name))
    if edit.address is not None:
        if len(edit.address) > ADDRESS_MAX:
            raise InvalidInput("setup.project.bad_address", limit=ADDRESS_MAX)
        put("address", edit.address.strip() or None)
    if edit.customer is not None:
        customer = await customer_named(tx, edit.customer)
        put("customer_id", customer.id, customer.name)
    if edit.start is not None:
        put("start_date", edit.start)
    if edit.end is not None:
        put("planned_end_date", edit.end)
    if edit.digest_time is not None:
        when = parse_hhmm(edit.digest_time)
        if when is None:
            raise InvalidInput("setup.edit.bad_time", word=edit.digest_time)
        put("digest_time", when.strftime("%H:%M"))
    calendar = _calendar(project.calendar or {}, edit, tz)
    if calendar is not None:
        put("calendar", calendar)
    if changed:
        tx.audit.append(at=now, actor_id=actor.id, platform=None, action="project.edit",
                        subject_type="project", subject_id=project.code, data=changed)
    return changed


def _calendar(current: dict[str, Any], edit: ProjectEdit, tz: ZoneInfo) -> dict[str, Any] | None:
    if edit.business_hours is None and edit.hours is None and edit.workdays is None:
        return None
    calendar = dict(current)
    if edit.business_hours is not None:
        calendar["business_hours"] = edit.business_hours
    if edit.hours is not None:
        calendar["hours"] = list(edit.hours)
    if edit.workdays is not None:
        calendar["workdays"] = sorted(set(edit.workdays))
    try:
        parse_calendar(calendar, tz, "calendar")
    except ValueError as error:
        raise InvalidInput("setup.edit.bad_calendar", reason=str(error).split(": ", 1)[-1]) from None
    return calendar


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value
