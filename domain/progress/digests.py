"""The daily digest for many projects at once. `read` takes what a chunk of digests needs with
one query per table (not several per project); `DigestRows.active` and `DigestRows.digest` then
give, for each project, exactly what `had_activity` and `customer_digest` give for one (the
same customer-safe fields: no internal notes, no costs, only the tickets the customer sees)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from domain.finance.ledger import Receivable, receivables
from domain.progress.digest import (ChangeNews, CustomerDigest, by_severity, day_bounds, first_payment, moved,
                                    summarise)
from domain.progress.plan import overall_percent, views
from domain.progress.site_news import InspectionNews, inspections_between
from domain.store.models import ChangeRequest, DailyLog, Milestone, MilestoneUpdate, Project
from domain.store.uow import Tx


@dataclass(frozen=True)
class DigestRows:
    day: date
    updates: dict[int, list[MilestoneUpdate]]     # that day's, per project
    logs: dict[int, list[DailyLog]]               # that day's, per project
    touched: dict[int, int]                       # customer's tickets reported or changed that day
    milestones: dict[int, list[Milestone]]
    open_tickets: dict[int, dict[str, int]]       # customer's open tickets: severity -> count
    receivables: dict[int, list[Receivable]]      # unpaid
    changes: dict[int, list[ChangeRequest]] = field(default_factory=dict)   # approved since the last digest
    inspections: dict[int, tuple[InspectionNews, ...]] = field(default_factory=dict)   # since the last digest

    def active(self, project_id: int) -> bool:
        """Progress moved, a log was written, a customer's ticket was reported or changed, or
        a change was approved, or the site was inspected."""
        return bool(self.updates[project_id] or self.logs[project_id] or self.touched[project_id]
                    or self.changes.get(project_id) or self.inspections.get(project_id))

    def digest(self, project: Project) -> CustomerDigest:
        milestones = self.milestones[project.id]
        counts = by_severity([])
        counts.update(self.open_tickets[project.id])
        return CustomerDigest(
            code=project.code, name=project.name, day=self.day, percent=overall_percent(milestones),
            milestones=views(milestones, self.day), moved=moved(self.updates[project.id], milestones),
            log=summarise(self.logs[project.id]), open_tickets=counts,
            next_payment=first_payment(self.receivables[project.id], self.day),
            changes=tuple(ChangeNews.of(c) for c in self.changes.get(project.id, ())),
            inspections=self.inspections.get(project.id, ()))


async def read(tx: Tx, project_ids: list[int], day: date, tz: ZoneInfo,
               change_windows: dict[int, tuple[datetime, datetime]] | None = None) -> DigestRows:
    """`change_windows`: per project, (after, up to) which approved changes and inspections it
    lists — from its previous digest time to this one's, so each is in exactly one digest."""
    since, until = day_bounds(day, tz)
    return DigestRows(
        day=day, updates=await tx.progress.updates_of(project_ids, since, until),
        logs=await tx.progress.logs_of(project_ids, day, day),
        touched=await tx.progress.tickets_touched_of(project_ids, since, until, customer_only=True),
        milestones=await tx.projects.milestones_of(project_ids),
        open_tickets=await tx.progress.open_severities(project_ids, customer_only=True),
        receivables=await _receivables(tx, project_ids),
        changes=await _changes(tx, change_windows or {}),
        inspections=await inspections_between(tx, change_windows or {}))


async def _changes(tx: Tx, windows: dict[int, tuple[datetime, datetime]]) -> dict[int, list[ChangeRequest]]:
    """One query per distinct window (projects share the configured digest time)."""
    grouped: dict[tuple[datetime, datetime], list[int]] = {}
    for project_id, window in windows.items():
        grouped.setdefault(window, []).append(project_id)
    found: dict[int, list[ChangeRequest]] = {}
    for (after, up_to), ids in grouped.items():
        found.update(await tx.changes.applied_between(ids, after, up_to))
    return found


async def _receivables(tx: Tx, project_ids: list[int]) -> dict[int, list[Receivable]]:
    found: dict[int, list[Receivable]] = {i: [] for i in project_ids}
    if project_ids:
        for row in await receivables(tx, unpaid_only=True, project_ids=project_ids):
            found[row.project.id].append(row)
    return found
