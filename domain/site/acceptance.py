"""Acceptance records (验收单, issue 17): 隐蔽工程 (hidden works), 分项工程 and 材料进场 to start.
A record is asked for by the site team with its subject, its kind's fields and photos; the
project's 监理 (supervisor) and the owner's contact (customer contact) decide: 通过, or
不通过 with a reason. The decision, who and when go on the record and the audit log, once.
The kinds and their fields' labels come from [site.acceptance] (domain/site/rules.py)."""
from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Mapping

from domain.enums import Role
from domain.errors import InvalidInput, NotAllowed
from domain.store.models import Person, Project
from domain.store.models.site import AcceptanceRecord
from domain.store.uow import Tx
from domain.tickets.records import NewAttachment, Origin

PENDING, PASSED, FAILED = "pending", "passed", "failed"
# The project's 监理 (supervisor) and the owner's contact: the card goes to each, either decides.
DECIDERS = frozenset({Role.SUPERVISOR, Role.CUSTOMER_CONTACT})


Templates = Mapping[str, tuple[str, str]]   # kind -> (the subject's label, the details' label)


def parse(args: str, templates: Templates) -> tuple[str, str, str]:
    """`隐蔽工程 5层顶板钢筋 绑扎间距…` -> (kind, subject, details); InvalidInput otherwise."""
    words = args.split(maxsplit=2)
    if len(words) < 2 or words[0] not in templates:
        raise InvalidInput("site.accept.usage", kinds=" / ".join(templates))
    return words[0], words[1][:200], words[2] if len(words) > 2 else ""


async def deciders(tx: Tx, project: Project) -> list[Person]:
    """The project's 监理 first, then the owner's contacts; each person once."""
    found: dict[int, tuple[Person, bool]] = {}
    for person, role in await tx.projects.members(project.id):
        if role in DECIDERS:
            supervisor = found.get(person.id, (person, False))[1] or role is Role.SUPERVISOR
            found[person.id] = (person, supervisor)
    return [p for p, _ in sorted(found.values(), key=lambda pair: not pair[1])]   # stable: as added


async def request(tx: Tx, person: Person, project: Project, args: str, attachments: list[NewAttachment],
                  origin: Origin, now: datetime, templates: Templates) -> tuple[AcceptanceRecord, list[Person]]:
    kind, subject, details = parse(args, templates)
    who = await deciders(tx, project)
    if not who:
        raise InvalidInput("site.accept.no_decider", code=project.code)
    labels = templates[kind]
    record = AcceptanceRecord(project_id=project.id, kind=kind, subject=subject,
                              fields={labels[0]: subject, labels[1]: details[:1000]},
                              attachments=[asdict(a) for a in attachments if a.kind == "image"],
                              requester_id=person.id, status=PENDING, platform=origin.platform,
                              chat_id=origin.chat_id, created_at=now)
    tx.add(record)
    await tx.flush()
    tx.audit.append(at=now, actor_id=person.id, platform=origin.platform, action="acceptance.requested",
                    subject_type="acceptance", subject_id=record.number,
                    data={"kind": kind, "subject": subject}, message_ref=origin.message_ref)
    return record, who


def add_photos(record: AcceptanceRecord, attachments: list[NewAttachment]) -> int:
    """Photos sent right after asking (one message each on WeCom and DingTalk); how many."""
    photos = [asdict(a) for a in attachments if a.kind == "image"]
    record.attachments = [*(record.attachments or []), *photos]   # a new list: JSON is not watched
    return len(photos)


async def check_decider(tx: Tx, person: Person, record: AcceptanceRecord) -> None:
    who = await deciders(tx, await tx.projects.get(record.project_id))
    if not any(p.id == person.id for p in who):
        raise NotAllowed("site.accept.not_decider", names="、".join(p.name for p in who))


async def decide(tx: Tx, person: Person, record: AcceptanceRecord, passed: bool, reason: str,
                 origin: Origin, now: datetime) -> bool:
    """True when this decided it; False when it was decided already (nothing changes).
    Only the project's 监理 and owner's contacts decide (NotAllowed names them)."""
    await check_decider(tx, person, record)
    if record.status != PENDING:
        return False
    if not passed and not reason.strip():
        raise InvalidInput("site.accept.reason_needed", number=record.number)
    record.status = PASSED if passed else FAILED
    record.decided_by_id, record.decided_at = person.id, now
    record.reason = reason.strip()[:500] or None
    tx.audit.append(at=now, actor_id=person.id, platform=origin.platform,
                    action=f"acceptance.{record.status}", subject_type="acceptance",
                    subject_id=record.number, data={"reason": record.reason} if record.reason else {},
                    message_ref=origin.message_ref)
    return True
