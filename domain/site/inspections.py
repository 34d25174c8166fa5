"""Site inspections (移动巡检, issue 17): someone walks the site and records what they checked,
item by item, each passed or failed; a failed item opens a ticket (the caller files it, as 报修
would) whose number goes on the item; photos sent with an item go on the inspection. An
inspection is open in its chat until closed (巡检 结束) or until the next day's walk starts."""
from __future__ import annotations

from dataclasses import asdict
from datetime import datetime, timedelta

from domain.errors import InvalidInput
from domain.store.models import Person, Project
from domain.store.models.site import SiteInspection
from domain.store.uow import Tx
from domain.tickets.records import NewAttachment, Origin

OPEN_HOURS = 12    # an inspection left open joins no item sent this much later


def start(tx: Tx, person: Person, project: Project, checked: str, attachments: list[NewAttachment],
          origin: Origin, now: datetime) -> SiteInspection:
    location = next((a.meta for a in attachments if a.kind == "location"), None)
    inspection = SiteInspection(project_id=project.id, inspector_id=person.id, checked=checked[:2000],
                                location=location, attachments=_photos(attachments),
                                finding_ticket_ids=[], items=[], platform=origin.platform,
                                chat_id=origin.chat_id, at=now)
    tx.add(inspection)
    return inspection


async def open_one(tx: Tx, person: Person, origin: Origin, now: datetime) -> SiteInspection | None:
    """The person's inspection still open in this chat."""
    if not origin.platform or not origin.chat_id:
        return None
    found = await tx.site.latest_inspection_by(person.id, origin.platform, origin.chat_id,
                                               now - timedelta(hours=OPEN_HOURS))
    return found if found is not None and found.closed_at is None else None


def add_item(inspection: SiteInspection, text: str, ok: bool, attachments: list[NewAttachment],
             now: datetime, ticket_id: int | None = None) -> None:
    if not text.strip():
        raise InvalidInput("site.inspect.item_usage")
    photos = _photos(attachments)
    item = {"text": text.strip()[:500], "ok": ok, "ticket_id": ticket_id, "photos": len(photos),
            "at": now.isoformat()}
    # New lists: JSON columns are not watched for changes made in place.
    inspection.items = [*inspection.items, item]
    inspection.attachments = [*inspection.attachments, *photos]
    if ticket_id is not None:
        inspection.finding_ticket_ids = [*inspection.finding_ticket_ids, ticket_id]


def add_photos(inspection: SiteInspection, attachments: list[NewAttachment]) -> None:
    """Photos (and a location, if it has none yet) sent right after; the last item counts them."""
    photos = _photos(attachments)
    inspection.attachments = [*inspection.attachments, *photos]
    location = next((a.meta for a in attachments if a.kind == "location"), None)
    if location is not None and inspection.location is None:
        inspection.location = location
    if inspection.items and photos:
        last = {**inspection.items[-1], "photos": inspection.items[-1].get("photos", 0) + len(photos)}
        inspection.items = [*inspection.items[:-1], last]


def close(inspection: SiteInspection, now: datetime) -> None:
    inspection.closed_at = now


def findings(text: str) -> list[str]:
    """`巡检 发现 a；b；c` (or one per line): the findings, each to open a ticket."""
    parts = [p.strip(" 、,，") for chunk in text.splitlines() for p in chunk.replace(";", "；").split("；")]
    return [p for p in parts if p]


def _photos(attachments: list[NewAttachment]) -> list[dict]:
    return [asdict(a) for a in attachments if a.kind == "image"]
