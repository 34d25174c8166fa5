"""Progress derived from milestones: the project's percentage (weighted), each milestone's
state on a day, and whether it will miss its planned date."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from domain.store.models import Milestone


class State(StrEnum):
    DONE = "done"                # reached on or before its planned end
    DONE_LATE = "done_late"      # reached after its planned end
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"          # at the current pace it ends after its planned end
    LATE = "late"                # past its planned end and not reached
    NOT_STARTED = "not_started"


LATE_STATES = frozenset({State.LATE, State.AT_RISK, State.DONE_LATE})


@dataclass(frozen=True)
class MilestoneView:
    id: int
    name: str
    seq: int
    weight: int
    progress: int
    planned_start: date | None
    planned_end: date | None
    actual_start: date | None
    actual_end: date | None
    state: State
    projected_end: date | None   # when it will be reached at the current pace (not reached yet)
    days_late: int               # past (or projected past) the planned end

    @property
    def flagged(self) -> bool:
        """Late now or will be: highlighted in digests and on the page."""
        return self.state in (State.LATE, State.AT_RISK)


def assess(m: Milestone, today: date) -> MilestoneView:
    state, projected = _state(m, today)
    reference = m.actual_end or projected
    late = (reference - m.planned_end).days if reference and m.planned_end else 0
    if state is State.LATE and m.planned_end:
        late = max(late, (today - m.planned_end).days)
    return MilestoneView(m.id, m.name, m.seq, m.weight, m.progress, m.planned_start, m.planned_end,
                         m.actual_start, m.actual_end, state, projected, max(late, 0))


def _state(m: Milestone, today: date) -> tuple[State, date | None]:
    if m.actual_end is not None or m.progress >= 100:
        end = m.actual_end or today
        return (State.DONE_LATE if m.planned_end and end > m.planned_end else State.DONE), None
    if m.planned_end is not None and today > m.planned_end:
        return State.LATE, None
    projected = _projected_end(m, today)
    if projected is not None and m.planned_end is not None and projected > m.planned_end:
        return State.AT_RISK, projected
    if m.progress <= 0 and m.actual_start is None:
        return State.NOT_STARTED, projected
    return State.ON_TRACK, projected


def _projected_end(m: Milestone, today: date) -> date | None:
    """Straight-line pace since it started; a milestone that should have started but has no
    progress is projected to take its whole planned duration from today."""
    start = m.actual_start or m.planned_start
    if start is None or start > today:
        return None
    if m.progress <= 0:
        if m.planned_start and m.planned_end and today > m.planned_start:
            return today + (m.planned_end - m.planned_start)
        return None
    elapsed = max((today - start).days, 1)
    remaining = elapsed * (100 - m.progress) / m.progress
    return today + timedelta(days=round(remaining))


def overall_percent(milestones: list[Milestone]) -> int:
    """The project's progress: milestones' progress weighted by their weight."""
    total = sum(max(m.weight, 0) for m in milestones)
    if total == 0:
        return 0
    weighted = sum(max(m.weight, 0) * min(max(m.progress, 0), 100) for m in milestones)
    return (2 * weighted + total) // (2 * total)   # half up, as people round (30.5 → 31)


def views(milestones: list[Milestone], today: date) -> list[MilestoneView]:
    return [assess(m, today) for m in sorted(milestones, key=lambda m: (m.seq, m.id))]
