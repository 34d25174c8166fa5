"""The site sections of the customer's project page (issue 17): inspections (现场巡检) and
acceptance records (验收记录). Customer-safe only: an inspection shows when, where, who, how
many items passed and failed and its photos, never the items' words (a failed item's words are
the title of a ticket the customer may not be allowed to see) nor the tickets it opened."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from domain.store.models import Project
from domain.store.uow import Tx

SHOWN_DAYS = 30          # inspections of the last month, as the page's recent tickets
MAX_ACCEPTANCES = 50


@dataclass(frozen=True)
class PageInspection:
    number: str
    at: datetime
    where: str               # the location's name or address; "" when none was sent
    checked: str
    inspector: str
    passed: int
    failed: int
    photos: tuple[str, ...]  # the ones a browser can open
    photo_count: int         # all of them, kept on the platform or not


@dataclass(frozen=True)
class PageAcceptance:
    number: str
    kind: str
    subject: str
    status: str              # pending | passed | failed
    requester: str
    requested: datetime
    decider: str | None
    decided: datetime | None
    reason: str | None       # why it failed, as the decider wrote it


def viewable(ref: object) -> bool:
    """A photo a browser can open from the page (a stored file or a link), not one kept on the
    platform only."""
    return isinstance(ref, str) and ref.startswith(("/media/", "https://", "http://"))


async def inspections(tx: Tx, project: Project, now: datetime) -> list[PageInspection]:
    """The last month's inspections, newest first."""
    found = await tx.site.inspections([project.id], now - timedelta(days=SHOWN_DAYS), now)
    names = await _names(tx, {i.inspector_id for i in found})
    out = []
    for inspection in reversed(found):
        items = inspection.items or []
        refs = [a.get("ref") for a in inspection.attachments or []]
        location = inspection.location or {}
        out.append(PageInspection(
            inspection.number, inspection.at, location.get("name") or location.get("address") or "",
            inspection.checked, names.get(inspection.inspector_id, "-"),
            sum(bool(i.get("ok")) for i in items), sum(not i.get("ok") for i in items),
            tuple(r for r in refs if viewable(r)), len(refs)))
    return out


async def acceptances(tx: Tx, project: Project) -> list[PageAcceptance]:
    """The project's acceptance records, newest first."""
    found = await tx.site.acceptances(project.id, MAX_ACCEPTANCES)
    names = await _names(tx, {r.requester_id for r in found} | {r.decided_by_id for r in found
                                                                if r.decided_by_id})
    return [PageAcceptance(r.number, r.kind, r.subject, r.status, names.get(r.requester_id, "-"),
                           r.created_at, names.get(r.decided_by_id) if r.decided_by_id else None,
                           r.decided_at, r.reason) for r in found]


async def _names(tx: Tx, ids: set[int]) -> dict[int, str]:
    out = {}
    for person_id in ids:
        person = await tx.people.get(person_id)
        out[person_id] = person.name if person else "-"
    return out
