"""Failed outbox rows: counting them (health, logs, `sitebot outbox status`), sending again
those an outage failed once the platform answers, and requeueing by hand
(`sitebot outbox retry`). Mixed into OutboxRepo (`tx.outbox`)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Collection

from sqlalchemy import and_, case, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from domain.store.models import OutboxMessage

# An outbox row's states (also what domain.store.repos.outbox offers), and why a failed one
# failed (`OutboxMessage.failure`): the platform was down, or it said no.
PENDING, SENDING, SENT, FAILED = "pending", "sending", "sent", "failed"
OUTAGE, PERMANENT = "outage", "permanent"


@dataclass(frozen=True)
class OutboxCounts:
    """Rows not (yet) delivered. `failed_outage`: failed while the platform was down, young
    enough to be sent again once it answers; `failed_expired`: the same but too old, they stay
    failed; `failed_permanent`: the platform said no, or the adapter could not send it at all
    (and rows that failed before reasons were kept)."""
    pending: int = 0
    oldest_pending: datetime | None = None
    failed_outage: int = 0
    failed_expired: int = 0
    failed_permanent: int = 0

    @property
    def failed(self) -> int:
        return self.failed_outage + self.failed_expired + self.failed_permanent


class OutboxFailures:
    session: AsyncSession

    async def counts(self, retry_since: datetime, skip_platforms: Collection[str] = ()) -> OutboxCounts:
        """One grouped query over the rows not sent. `retry_since`: outage failures created
        before this are no longer sent again."""
        young = case((OutboxMessage.created_at >= retry_since, 1), else_=0)
        query = (select(OutboxMessage.status, OutboxMessage.failure, young, func.count(),
                        func.min(OutboxMessage.created_at))
                 .where(OutboxMessage.status.in_((PENDING, SENDING, FAILED)))
                 .group_by(OutboxMessage.status, OutboxMessage.failure, young))
        if skip_platforms:
            query = query.where(OutboxMessage.platform.not_in(list(skip_platforms)))
        pending, oldest, outage, expired, permanent = 0, None, 0, 0, 0
        for status, failure, is_young, count, first in await self.session.execute(query):
            if status != FAILED:
                pending += count
                oldest = first if oldest is None or first < oldest else oldest
            elif failure == OUTAGE:
                outage, expired = (outage + count, expired) if is_young else (outage, expired + count)
            else:
                permanent += count
        return OutboxCounts(pending, oldest, outage, expired, permanent)

    async def outage_platforms(self, retry_since: datetime,
                               skip_platforms: Collection[str] = ()) -> set[str]:
        """Platforms with rows an outage failed that are still young enough to send again."""
        query = select(OutboxMessage.platform).distinct().where(*self._revivable(retry_since))
        if skip_platforms:
            query = query.where(OutboxMessage.platform.not_in(list(skip_platforms)))
        return set(await self.session.scalars(query))

    async def revive(self, platform: str, retry_since: datetime, now: datetime) -> int:
        """The platform answers again: its rows an outage failed (young enough) are due now,
        with a fresh set of attempts. Returns how many."""
        done = await self.session.execute(
            update(OutboxMessage).where(OutboxMessage.platform == platform, *self._revivable(retry_since))
            .values(status=PENDING, attempts=0, next_attempt_at=now, failure=None, failed_at=None)
            .execution_options(synchronize_session=False))
        return done.rowcount or 0

    async def probe(self, platform: str, retry_since: datetime, now: datetime, attempts: int) -> int | None:
        """Make one row an outage failed due now with `attempts` already used (so it is tried
        once): the one tried longest ago among those first in their chat, so a chat's order
        holds and a chat with trouble of its own does not hide that the platform is back.
        Returns its id, or None when there is none."""
        earlier = aliased(OutboxMessage)
        head = ~select(earlier.id).where(
            earlier.platform == OutboxMessage.platform, earlier.target_type == OutboxMessage.target_type,
            earlier.target_id == OutboxMessage.target_id, earlier.id < OutboxMessage.id,
            earlier.status == FAILED, earlier.failure == OUTAGE,
            earlier.created_at >= retry_since).exists()
        row_id = await self.session.scalar(
            select(OutboxMessage.id).where(OutboxMessage.platform == platform, head,
                                           *self._revivable(retry_since))
            .order_by(OutboxMessage.failed_at, OutboxMessage.id).limit(1))
        if row_id is None:
            return None
        await self.session.execute(
            update(OutboxMessage).where(OutboxMessage.id == row_id, OutboxMessage.status == FAILED)
            .values(status=PENDING, attempts=attempts, next_attempt_at=now, failure=None)
            .execution_options(synchronize_session=False))
        return row_id

    async def requeue_failed(self, now: datetime, since: datetime | None = None,
                             platform: str | None = None) -> int:
        """By hand (`sitebot outbox retry`): failed rows, whatever the reason, created at or
        after `since`, due now with a fresh set of attempts."""
        where = [OutboxMessage.status == FAILED]
        if since is not None:
            where.append(OutboxMessage.created_at >= since)
        if platform is not None:
            where.append(OutboxMessage.platform == platform)
        done = await self.session.execute(
            update(OutboxMessage).where(*where)
            .values(status=PENDING, attempts=0, next_attempt_at=now, failure=None, failed_at=None,
                    claim_token=None)
            .execution_options(synchronize_session=False))
        return done.rowcount or 0

    async def latest_failures(self, limit: int = 10) -> list[OutboxMessage]:
        return list(await self.session.scalars(
            select(OutboxMessage).where(OutboxMessage.status == FAILED)
            .order_by(OutboxMessage.id.desc()).limit(limit)))

    @staticmethod
    def _revivable(retry_since: datetime) -> tuple:
        return (and_(OutboxMessage.status == FAILED, OutboxMessage.failure == OUTAGE),
                OutboxMessage.created_at >= retry_since)
