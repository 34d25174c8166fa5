"""Editing a project's plan: add, edit, remove and reorder milestones (节点).

Weights are kept as given. The project's progress weighs each milestone by its share of the
total, so weights that do not add up to 100 still give a percentage — which is why the total
is shown with every change (`weight_total`) and never quietly rescaled here."""
from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, datetime
from typing import Any

from domain.access import SetupAction, require_on_setup
from domain.errors import InvalidInput, InvalidTransition
from domain.progress.service import find_milestone
from domain.store.models import Milestone, Person, Project
from domain.store.repos.setup import setup_repo
from domain.store.uow import Tx

NAME_MAX = 100


@dataclass(frozen=True)
class NewMilestone:
    name: str
    planned_end: date | None = None
    weight: int = 0
    planned_start: date | None = None


@dataclass(frozen=True)
class MilestoneEdit:
    """Only the fields given (not None) change."""
    name: str | None = None
    planned_start: date | None = None
    planned_end: date | None = None
    weight: int | None = None

    def given(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name) is not None}


def weight_total(milestones: list[Milestone]) -> int:
    return sum(m.weight for m in milestones)


def _check_weight(weight: int) -> None:
    if not 0 <= weight <= 100:
        raise InvalidInput("setup.plan.bad_weight", weight=weight)


def _check_span(name: str, start: date | None, end: date | None) -> None:
    if start is not None and end is not None and end < start:
        raise InvalidInput("setup.plan.end_before_start", name=name, start=start.isoformat(),
                           end=end.isoformat())


async def _may_edit(tx: Tx, actor: Person, project: Project) -> list[Milestone]:
    await require_on_setup(tx, actor, SetupAction.EDIT_PLAN, project.id)
    if project.status == "closed":
        raise InvalidTransition("setup.closed", code=project.code)
    return await tx.projects.milestones(project.id)


def _check_name(name: str, milestones: list[Milestone], keep: Milestone | None = None) -> str:
    name = name.strip()
    if not name or len(name) > NAME_MAX:
        raise InvalidInput("setup.plan.bad_name", limit=NAME_MAX)
    if any(m.name.lower() == name.lower() and m is not keep for m in milestones):
        raise InvalidInput("setup.plan.exists", name=name)
    return name


async def add_milestone(tx: Tx, actor: Person, project: Project, new: NewMilestone,
                        now: datetime) -> Milestone:
    milestones = await _may_edit(tx, actor, project)
    name = _check_name(new.name, milestones)
    _check_weight(new.weight)
    _check_span(name, new.planned_start, new.planned_end)
    milestone = Milestone(project_id=project.id, name=name, seq=max((m.seq for m in milestones), default=0) + 1,
                          weight=new.weight, planned_start=new.planned_start,
                          planned_end=new.planned_end, progress=0)
    tx.add(milestone)
    await tx.flush()
    tx.audit.append(at=now, actor_id=actor.id, platform=None, action="plan.add", subject_type="project",
                    subject_id=project.code,
                    data={"milestone": name, "weight": new.weight, "planned_end": _iso(new.planned_end),
                          "planned_start": _iso(new.planned_start)})
    return milestone


async def edit_milestone(tx: Tx, actor: Person, project: Project, milestone: Milestone,
                         edit: MilestoneEdit, now: datetime) -> dict[str, Any]:
    milestones = await _may_edit(tx, actor, project)
    if not edit.given():
        raise InvalidInput("setup.plan.edit_nothing", name=milestone.name)
    name = _check_name(edit.name, milestones, keep=milestone) if edit.name is not None else milestone.name
    if edit.weight is not None:
        _check_weight(edit.weight)
    _check_span(name, edit.planned_start or milestone.planned_start, edit.planned_end or milestone.planned_end)
    changed: dict[str, Any] = {}
    for attr, value in (("name", name), ("planned_start", edit.planned_start),
                        ("planned_end", edit.planned_end), ("weight", edit.weight)):
        if value is not None and getattr(milestone, attr) != value:
            changed[attr] = [_plain(getattr(milestone, attr)), _plain(value)]
            setattr(milestone, attr, value)
    if changed:
        tx.audit.append(at=now, actor_id=actor.id, platform=None, action="plan.edit",
                        subject_type="milestone", subject_id=milestone.id, data=changed)
    return changed


async def remove_milestone(tx: Tx, actor: Person, project: Project, milestone: Milestone,
                           now: datetime) -> None:
    """Only a milestone nobody has reported on and no payment waits for: its history and the
    payment schedule must not point at nothing."""
    milestones = await _may_edit(tx, actor, project)
    repo = setup_repo(tx)
    if milestone.progress > 0 or await repo.milestone_has_updates(milestone.id):
        raise InvalidInput("setup.plan.has_progress", name=milestone.name)
    triggered = await repo.payments_triggered_by(milestone.id)
    if triggered:
        raise InvalidInput("setup.plan.triggers_payment", name=milestone.name,
                           payments="、".join(p.name for p in triggered))
    await tx.delete(milestone)
    rest = [m for m in milestones if m.id != milestone.id]
    for seq, m in enumerate(rest, 1):
        m.seq = seq
    tx.audit.append(at=now, actor_id=actor.id, platform=None, action="plan.remove", subject_type="project",
                    subject_id=project.code, data={"milestone": milestone.name})
    await tx.flush()


async def reorder(tx: Tx, actor: Person, project: Project, first: list[Milestone], now: datetime) -> None:
    """The milestones named go first, in the order given; the others follow in their order."""
    milestones = await _may_edit(tx, actor, project)
    ids = [m.id for m in first]
    if len(set(ids)) != len(ids):
        raise InvalidInput("setup.plan.reorder_twice")
    order = first + [m for m in milestones if m.id not in ids]
    for seq, m in enumerate(order, 1):
        m.seq = seq
    tx.audit.append(at=now, actor_id=actor.id, platform=None, action="plan.reorder", subject_type="project",
                    subject_id=project.code, data={"order": [m.name for m in order]})
    await tx.flush()


async def milestone_named(tx: Tx, project: Project, word: str) -> Milestone:
    """By name (or the one name containing it), or by its number in the plan ("2", "#2")."""
    number = word.lstrip("#＃")
    if number.isdigit():
        milestones = await tx.projects.milestones(project.id)
        if 1 <= int(number) <= len(milestones):
            return milestones[int(number) - 1]
    return await find_milestone(tx, project, word)


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value
