"""What capture keeps, and when it can no longer matter — purged by the job "capture.upkeep"
(handlers/capture/jobs.py):

- a draft nobody was offered (photos alone in a bound group, a sentence that waited for a
  photo): once the attach window is over, no message can join it and no card shows it;
- a draft offered (or a 报修 project picker) nobody answered: after `keep_unanswered_days`
  (a later press on its card says it is gone);
- a person's offer-limit claims: after two periods (proposals._within_limit), and an offer
  claim once its draft is filed or gone (it is only read for unfiled drafts).
Filed drafts stay: one per ticket, they answer a late 登记 with the ticket's number."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from domain.capture.proposals import LIMIT, OFFERED
from domain.capture.rules import CaptureRules
from domain.store.repos import capture_upkeep
from domain.store.uow import Tx

CHUNK = 1000   # rows per transaction: SQLite's one writer is not held for long


@dataclass(frozen=True)
class Cutoffs:
    unoffered_before: datetime
    unanswered_before: datetime
    limits_before: datetime


def cutoffs(now: datetime, rules: CaptureRules, attach_window_minutes: int) -> Cutoffs:
    unanswered = now - timedelta(days=rules.keep_unanswered_days)
    # An offer takes the person's slot for its period and the next: 2 periods at most.
    return Cutoffs(now - timedelta(minutes=attach_window_minutes), unanswered,
                   now - timedelta(minutes=2 * rules.offer_every_minutes))


@dataclass(frozen=True)
class Purged:
    drafts: int
    claims: int     # offer claims deleted on their own (those of deleted drafts go with them)
    more: bool      # a chunk was full: there may be more


async def purge_some(tx: Tx, cut: Cutoffs) -> Purged:
    """At most CHUNK rows of each kind."""
    drafts = await capture_upkeep.purge_drafts(tx, unoffered_before=cut.unoffered_before,
                                               unanswered_before=cut.unanswered_before, limit=CHUNK)
    limits = await capture_upkeep.purge_claims(tx, LIMIT, cut.limits_before, CHUNK)
    offers = await capture_upkeep.purge_claims(tx, OFFERED, cut.unanswered_before, CHUNK)
    return Purged(drafts, limits + offers, CHUNK in (drafts, limits, offers))
