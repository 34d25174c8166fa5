"""Delivery figures (交付): milestones reached on time, each project's schedule deviation,
projects late or at risk, approved changes, site logs written and site inspections (巡检:
how many, and the items found failing, named for the managers who read the report).

"Late" is read from dates alone — a milestone past its planned end and not reached by the
day — so it can be told for any past day. "At risk" needs the pace of work, which only today's
progress gives (domain/progress/plan.py), so it is today's only."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Sequence

from domain.progress.plan import State, assess
from domain.reports.periods import Period
from domain.reports.stats import money, percent
from domain.store.models.site import SiteInspection
from domain.store.repos.reports import ChangeRow, MilestoneRow


def days_late(milestone: MilestoneRow, day: date) -> int:
    """How late the milestone stood at the end of `day`: reached by then, the days it was
    reached after its planned end; not reached, the days since its planned end (0 if that is
    still to come or it has none)."""
    if milestone.planned_end is None:
        return 0
    if milestone.actual_end is not None and milestone.actual_end <= day:
        return max((milestone.actual_end - milestone.planned_end).days, 0)
    return max((day - milestone.planned_end).days, 0)


def late_on(milestone: MilestoneRow, day: date) -> bool:
    """Past its planned end and not reached, at the end of `day`."""
    reached = milestone.actual_end is not None and milestone.actual_end <= day
    return not reached and milestone.planned_end is not None and milestone.planned_end < day


@dataclass(frozen=True)
class ProjectDelivery:
    project_id: int
    deviation_days: int          # the most late of its milestones
    late: bool
    at_risk: bool                # today only: on pace to miss a planned end
    late_milestones: tuple[str, ...]


@dataclass(frozen=True)
class DeliveryFigures:
    milestones_due: int          # planned to end in the period
    milestones_on_time: int      # ... and reached by their planned end
    on_time_rate: float | None
    projects: list[ProjectDelivery] = field(default_factory=list)   # most late first
    late: int = 0
    at_risk: int = 0
    average_deviation: float | None = None
    changes: int = 0             # approved in the period
    change_days: int = 0         # days they added (net)
    change_amount: Decimal = Decimal("0.00")   # money they added (net)
    logs: int = 0                # site logs written in the period
    inspections: int = 0         # site inspections started in the period
    failed_items: tuple[tuple[int, str], ...] = ()   # (project id, item) found failing in them

    @property
    def inspection_failures(self) -> int:
        return len(self.failed_items)


def delivery_figures(milestones: Sequence[MilestoneRow], changes: Sequence[ChangeRow],
                     log_days: Sequence[date], project_ids: Sequence[int], period: Period,
                     today: date | None, inspections: Sequence[SiteInspection] = ()) -> DeliveryFigures:
    """`today`: given for the running period (at-risk is judged on today's pace), None for
    a past one."""
    day = period.last_day
    due = [m for m in milestones if m.planned_end is not None and period.first <= m.planned_end <= day]
    on_time = [m for m in due if m.actual_end is not None and m.actual_end <= m.planned_end]
    by_project: dict[int, list[MilestoneRow]] = {pid: [] for pid in project_ids}
    for m in milestones:
        by_project.setdefault(m.project_id, []).append(m)
    projects = []
    for project_id, rows in by_project.items():
        if not rows:
            continue
        late = tuple(m.name for m in rows if late_on(m, day))
        risky = today is not None and not late and any(
            assess(m, today).state is State.AT_RISK for m in rows)  # type: ignore[arg-type]
        projects.append(ProjectDelivery(project_id, max(days_late(m, day) for m in rows), bool(late),
                                        risky, late))
    projects.sort(key=lambda p: (-p.deviation_days, p.project_id))
    approved = [c for c in changes if period.holds(c.decided_at)]
    walked = [i for i in inspections if period.holds(i.at)]
    return DeliveryFigures(
        milestones_due=len(due), milestones_on_time=len(on_time), on_time_rate=percent(len(on_time), len(due)),
        projects=projects, late=sum(p.late for p in projects), at_risk=sum(p.at_risk for p in projects),
        average_deviation=round(sum(p.deviation_days for p in projects) / len(projects), 1) if projects else None,
        changes=len(approved), change_days=sum(c.days_delta or 0 for c in approved),
        change_amount=money(c.cost_delta or Decimal("0") for c in approved),
        logs=sum(1 for d in log_days if period.holds_day(d)), inspections=len(walked),
        failed_items=tuple((i.project_id, item.get("text", "")) for i in walked
                           for item in i.items or [] if not item.get("ok")))
