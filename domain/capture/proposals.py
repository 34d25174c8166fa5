"""Plain sentences on their way to becoming reports: what is kept between messages, and the
rule of at most one offer per person every few minutes.

A sentence (and the photos sent with it, just before or just after) waits as a ReportDraft
until its author files it with one tap (登记) or says no (不用了, which deletes it). Whether a
draft was offered, and the per-person limit, are claims in `scheduled_runs` — the same unique
keys that make scheduled effects happen once — so two processes agree on both."""
from __future__ import annotations

from dataclasses import asdict
from datetime import datetime, timedelta
from enum import Enum

from domain.capture.classifier import Verdict
from domain.capture.rules import CaptureRules
from domain.errors import NotFound
from domain.store.models import Person, ReportDraft
from domain.store.uow import Tx
from domain.tickets import drafts
from domain.tickets.records import NewAttachment, Origin


class Next(Enum):
    OFFER = "offer"          # propose it now
    WAIT = "wait"            # keep it: a photo sent next would make it a report
    NOTHING = "nothing"      # chatter


def decide(verdict: Verdict, rules: CaptureRules, *, photo: bool, addressed: bool) -> Next:
    thresholds = rules.thresholds
    if verdict.score >= thresholds.needed(photo=photo, addressed=addressed):
        return Next.OFFER
    if not photo and not addressed and verdict.score >= thresholds.with_photo:
        return Next.WAIT
    return Next.NOTHING


async def pending(tx: Tx, person: Person, origin: Origin, now: datetime,
                  window_minutes: int) -> ReportDraft | None:
    """What this person left in this chat in the last `window_minutes` and nobody filed."""
    since = now - timedelta(minutes=window_minutes)
    return await tx.tickets.pending_draft(person.id, origin.platform, origin.chat_id, since)


def keep(tx: Tx, person: Person, origin: Origin, text: str, attachments: list[NewAttachment],
         now: datetime) -> ReportDraft:
    draft = drafts.save(tx, person, origin, text, attachments, now)
    draft.source_message_id = origin.message_ref   # a recall of it withdraws what it files
    return draft


def add_attachments(draft: ReportDraft, attachments: list[NewAttachment]) -> None:
    # A new list: the JSON column is not watched for changes made in place.
    draft.attachments = [*draft.attachments, *(asdict(a) for a in attachments)]


OFFERED = "capture:offered:"   # + draft id: the card went out
LIMIT = "capture:limit:"       # + person id and period: their unasked offer of that period


# Both are read by the upkeep job (upkeep.py), which deletes them once they cannot matter.


def _offered_key(draft: ReportDraft) -> str:
    return f"{OFFERED}{draft.id}"


async def was_offered(tx: Tx, draft: ReportDraft) -> bool:
    return await tx.runs.done(_offered_key(draft))


async def claim_offer(tx: Tx, draft: ReportDraft, person: Person, now: datetime, rules: CaptureRules,
                      *, limited: bool) -> bool:
    """Whether the card may go out now; if so it is recorded as offered. `limited`: count it
    against the person's one offer every few minutes (offers nobody asked for)."""
    await tx.flush()   # the draft's id
    key = _offered_key(draft)
    if not await tx.runs.claim(key, now, "capture"):
        return False
    if limited and not await _within_limit(tx, person, now, rules.offer_every_minutes):
        await tx.runs.unclaim(key)
        return False
    return True


async def _within_limit(tx: Tx, person: Person, now: datetime, minutes: int) -> bool:
    """An offer takes the person's slot for this period and the next (two unique keys), so
    any two offers are at least `minutes` apart, even from two processes at once; a slot
    frees again within 2 × `minutes`."""
    period = int(now.timestamp()) // (minutes * 60)
    keys = [f"{LIMIT}{person.id}:{period}", f"{LIMIT}{person.id}:{period + 1}"]
    claimed = await tx.runs.claim_many(keys, now, "capture")
    if len(claimed) == len(keys):
        return True
    for key in claimed:   # half a slot is no slot: give back what this call took
        await tx.runs.unclaim(key)
    return False


async def own(tx: Tx, person: Person, draft_id: int) -> ReportDraft | None:
    """The person's draft; None when it is gone (said no to). Another person's: NotAllowed."""
    try:
        return await drafts.take(tx, person, draft_id)
    except NotFound:
        return None


async def dismiss(tx: Tx, draft: ReportDraft) -> None:
    # The claim goes with it: SQLite hands a deleted last row's id to the next draft, which
    # would otherwise count as offered already and never be proposed.
    await tx.runs.unclaim(_offered_key(draft))
    await tx.delete(draft)
