"""Site inspections (巡检, issue 17) as the daily digest tells them: one line each, with when,
where, who, how many items passed and failed, and the photos' number. Customer-safe like the
rest of the digest: never the items' words, nor the tickets a failed item opened (the customer
may not be allowed to see them). The internal weekly report adds the failed items (`Finding`)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.store.models.site import SiteInspection
from domain.store.uow import Tx


@dataclass(frozen=True)
class InspectionNews:
    number: str
    at: datetime
    where: str          # the location's name or address, else what was checked
    inspector: str
    passed: int
    failed: int
    photos: int

    @classmethod
    def of(cls, inspection: SiteInspection, inspector: str) -> "InspectionNews":
        items = inspection.items or []
        location = inspection.location or {}
        where = location.get("name") or location.get("address") or inspection.checked
        return cls(inspection.number, inspection.at, where, inspector,
                   sum(bool(i.get("ok")) for i in items), sum(not i.get("ok") for i in items),
                   len(inspection.attachments or []))


@dataclass(frozen=True)
class Finding:
    """A failed item, for the site team only: its words and the ticket it opened."""
    inspection: str     # XJ-n
    text: str
    ticket_id: int | None


async def week_inspections(tx: Tx, project_id: int, since: datetime, until: datetime
                           ) -> tuple[tuple[InspectionNews, ...], tuple[Finding, ...]]:
    """The project's inspections started in [since, until) and their failed items (internal)."""
    found = await tx.site.inspections([project_id], since, until)
    names = await _names(tx, {i.inspector_id for i in found})
    findings = tuple(Finding(i.number, item.get("text", ""), item.get("ticket_id"))
                     for i in found for item in i.items or [] if not item.get("ok"))
    return tuple(InspectionNews.of(i, names[i.inspector_id]) for i in found), findings


async def inspections_between(tx: Tx, windows: dict[int, tuple[datetime, datetime]]
                              ) -> dict[int, tuple[InspectionNews, ...]]:
    """Per project, its inspections started in [after, up_to) — from its previous digest time
    to this one's, so each is in exactly one digest. One query per distinct window (projects
    share the configured digest time)."""
    grouped: dict[tuple[datetime, datetime], list[int]] = {}
    for project_id, window in windows.items():
        grouped.setdefault(window, []).append(project_id)
    found: dict[int, list[SiteInspection]] = {}
    for (after, up_to), ids in grouped.items():
        for inspection in await tx.site.inspections(ids, after, up_to):
            found.setdefault(inspection.project_id, []).append(inspection)
    names = await _names(tx, {i.inspector_id for rows in found.values() for i in rows})
    return {project_id: tuple(InspectionNews.of(i, names[i.inspector_id]) for i in rows)
            for project_id, rows in found.items()}


async def _names(tx: Tx, person_ids: set[int]) -> dict[int, str]:
    names: dict[int, str] = {}
    for person_id in person_ids:
        person = await tx.people.get(person_id)
        names[person_id] = person.name if person else "-"
    return names
