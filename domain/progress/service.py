"""Progress changes: move a milestone's percentage, mark it reached, find it by (part of) its
name. Every change is checked by domain/access.py and recorded in milestone_updates."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from domain.access import Action, require_on_progress
from domain.errors import InvalidInput, NotFound
from domain.store.models import Milestone, Person, Project
from domain.store.models.progress import MilestoneUpdate
from domain.store.uow import Tx


class NeedsConfirmation(Exception):
    """Not an error: the change is unusual (above 100 %, or lower than before) and the person
    must confirm it with a button first. Nothing was written."""

    def __init__(self, reason: str, milestone: Milestone, percent: int) -> None:
        super().__init__(reason)
        self.reason, self.milestone, self.percent = reason, milestone, percent


@dataclass(frozen=True)
class Change:
    milestone: Milestone
    old: int
    new: int
    reached: bool


async def find_milestone(tx: Tx, project: Project, name: str) -> Milestone:
    """Exact name, else the one name containing the words; otherwise NotFound with the
    closest names to choose from."""
    milestones = await tx.projects.milestones(project.id)
    wanted = name.strip().lower()
    exact = [m for m in milestones if m.name.lower() == wanted]
    if exact:
        return exact[0]
    containing = [m for m in milestones if wanted and wanted in m.name.lower()]
    if len(containing) == 1:
        return containing[0]
    names = [m.name for m in milestones]
    import difflib   # here, not at start-up (~20 ms): only for a name not found
    close = [m.name for m in containing] or difflib.get_close_matches(name.strip(), names, n=3, cutoff=0.2)
    if not close:   # nothing alike: list them all, a project has a handful
        close = names
    raise NotFound("progress.unknown_milestone", name=name.strip(), project=project.code,
                   suggestions="、".join(close) or "-")


async def set_progress(tx: Tx, actor: Person, project: Project, milestone: Milestone, percent: int,
                       now: datetime, today: date, *, confirmed: bool = False) -> Change:
    """`percent` above 100 or below the current value raises NeedsConfirmation unless
    `confirmed` (then above 100 means 100)."""
    await require_on_progress(tx, actor, Action.UPDATE_PROGRESS, project.id)
    if percent < 0:
        raise InvalidInput("progress.bad_percent", value=percent)
    old = milestone.progress
    if percent > 100 and not confirmed:
        raise NeedsConfirmation("above", milestone, percent)
    if percent < old and not confirmed:
        raise NeedsConfirmation("lower", milestone, percent)
    percent = min(percent, 100)
    if percent == old:
        return Change(milestone, old, percent, False)
    return _apply(tx, actor, milestone, old, percent, now, today)


async def reach(tx: Tx, actor: Person, project: Project, milestone: Milestone, now: datetime,
                today: date) -> Change:
    """完成: the milestone is reached today (100 %, actual end today). Reached twice: no change."""
    await require_on_progress(tx, actor, Action.UPDATE_PROGRESS, project.id)
    old = milestone.progress
    if milestone.actual_end is not None:
        return Change(milestone, old, old, False)
    return _apply(tx, actor, milestone, old, 100, now, today)


def _apply(tx: Tx, actor: Person, milestone: Milestone, old: int, new: int, now: datetime,
           today: date) -> Change:
    milestone.progress, milestone.updated_at = new, now
    if new > 0 and milestone.actual_start is None:
        milestone.actual_start = today
    reached = new >= 100 and milestone.actual_end is None
    if reached:
        milestone.actual_end = today
    elif new < 100:
        milestone.actual_end = None   # confirmed step back: not reached any more
    tx.progress.record_update(MilestoneUpdate(
        milestone_id=milestone.id, project_id=milestone.project_id, at=now, actor_id=actor.id,
        kind="reached" if reached else "progress", old_progress=old, new_progress=new))
    tx.audit.append(at=now, actor_id=actor.id, platform=None, action="progress.update",
                    subject_type="milestone", subject_id=milestone.id,
                    data={"name": milestone.name, "from": old, "to": new})
    return Change(milestone, old, new, reached)
