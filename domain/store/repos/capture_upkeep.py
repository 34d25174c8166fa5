"""Deleting what capture (handlers/capture) kept once it can no longer matter: report drafts
nobody will file and the offer claims in scheduled_runs (domain/capture/upkeep.py says when).
Each call deletes at most `limit` rows, so a backlog is worked off in short transactions."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, and_, cast, delete, exists, literal, select

from domain.store.models import ChatBinding, ReportDraft, ScheduledRun
from domain.store.uow import Tx

OFFERED = "capture:offered:"   # + draft id (domain/capture/proposals.py)


def _offered_key(draft_id: object) -> object:
    return literal(OFFERED) + cast(draft_id, String)


async def purge_drafts(tx: Tx, *, unoffered_before: datetime, unanswered_before: datetime,
                       limit: int) -> int:
    """Unfiled drafts that are either (a) in a chat bound to a project, never offered, and
    older than `unoffered_before` (photos alone, a sentence that waited for a photo), or
    (b) older than `unanswered_before` whatever they are. Their offer claims go with them."""
    offered = exists().where(ScheduledRun.key == _offered_key(ReportDraft.id))
    bound = exists().where(ChatBinding.platform == ReportDraft.platform,
                           ChatBinding.chat_id == ReportDraft.chat_id)
    ids = list(await tx.session.scalars(
        select(ReportDraft.id)
        .where(ReportDraft.ticket_id.is_(None),
               (ReportDraft.created_at < unanswered_before)
               | and_(ReportDraft.created_at < unoffered_before, bound, ~offered))
        .order_by(ReportDraft.id).limit(limit)))
    if not ids:
        return 0
    await tx.session.execute(delete(ScheduledRun).where(ScheduledRun.key.in_([f"{OFFERED}{i}" for i in ids])))
    await tx.session.execute(delete(ReportDraft).where(ReportDraft.id.in_(ids)))
    return len(ids)


async def purge_claims(tx: Tx, prefix: str, before: datetime, limit: int) -> int:
    """Claims whose key starts with `prefix` (no % or _ in it) made before `before`."""
    ids = list(await tx.session.scalars(
        select(ScheduledRun.id).where(ScheduledRun.key.like(f"{prefix}%"), ScheduledRun.claimed_at < before)
        .order_by(ScheduledRun.id).limit(limit)))
    if ids:
        await tx.session.execute(delete(ScheduledRun).where(ScheduledRun.id.in_(ids)))
    return len(ids)
