"""What became of the rows a worker claimed, gathered in memory and written back together: one
transaction for every row sent, failed or put back since the last write (a transaction per
row would cost more than the sends and cap delivery near 100 a second)."""
from __future__ import annotations

import contextlib
import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, AsyncIterator, Callable

from bot.delivery.ports import DeliveryError, RateLimited
from bot.settings import DeliverySettings
from domain.store.models import OutboxMessage
from domain.store.repos.outbox import FAILED, OUTAGE, PENDING, PERMANENT, SENT
from domain.store.uow import Store, Tx

log = logging.getLogger(__name__)
BUSY_RETRY = timedelta(seconds=5)   # a row not tried because the database was busy: due again after
UNKNOWN_OUTCOME = "outcome unknown: the sending process stopped before the platform answered; not sent again"


@dataclass
class Outcomes:
    settings: DeliverySettings
    clock: Callable[[], datetime]
    changes: list[dict[str, Any]] = field(default_factory=list)
    posts: list[tuple[OutboxMessage, str, dict]] = field(default_factory=list)
    answered: set[str] = field(default_factory=set)        # platforms that took a message
    down: set[str] = field(default_factory=set)            # platforms a row failed on for an outage
    failed: Counter[str] = field(default_factory=Counter)  # rows failed for good, by reason

    def __len__(self) -> int:
        return len(self.changes)

    def sent(self, row: OutboxMessage, message_id: str, handle: dict) -> None:
        """The platform has it: from here on the row can only end `sent`, never `failed`."""
        now = self.clock()
        self._change(row, status=SENT, attempts=row.attempts + 1, sent_at=now,
                     platform_message_id=message_id)
        if row.card_key:
            self.posts.append((row, message_id, handle))
        self.answered.add(row.platform)

    def unknown(self, row: OutboxMessage) -> None:
        """A row handed to a platform that keeps no key for repeats (bot/delivery/handover.py)
        by a process that stopped before it learnt the outcome: most likely the platform has it,
        and sent again it could reach the chat twice. Recorded as sent, the message id unknown
        (a live card's later changes are posted as new lines), and logged."""
        log.warning("outbox row %s (%s %s) was being sent when its process stopped; %s keeps no "
                    "key to drop a copy, so it is not sent again (recorded as sent, outcome unknown)",
                    row.id, row.platform, row.target_id, row.platform)
        self._change(row, status=SENT, sent_at=row.sent_at, platform_message_id=None,
                     last_error=UNKNOWN_OUTCOME)
        if row.card_key and row.op == "send":
            self.posts.append((row, f"unknown:{row.id}", {}))

    def updated(self, row: OutboxMessage, message_id: str) -> None:
        """A card redrawn in place (its post was recorded when the card was first sent)."""
        self._change(row, status=SENT, attempts=row.attempts + 1, sent_at=self.clock(),
                     platform_message_id=message_id)
        self.answered.add(row.platform)

    def put_back(self, rows: list[OutboxMessage], at: datetime) -> None:
        """Not tried (a rate limit is full, the worker stops): pending again, due at `at`."""
        for row in rows:
            self._change(row, status=PENDING, next_attempt_at=at)

    def tried(self, row: OutboxMessage, error: DeliveryError) -> datetime | None:
        """A try that failed. Returns when the row is due again, or None when it failed for
        good: at once when the platform refused it, after the last attempt when it was down
        (then `failure` says so, and it is sent again once the platform answers)."""
        now, message = self.clock(), str(error)[:2000]
        if isinstance(error, RateLimited):
            # Not the message's fault: wait as told, without using up an attempt.
            at = now + timedelta(seconds=error.retry_after or 1.0)
            self._change(row, status=PENDING, next_attempt_at=at, last_error=message)
            return at
        attempts = row.attempts + 1
        if not error.retryable or attempts >= self.settings.max_attempts:
            reason = OUTAGE if error.retryable else PERMANENT
            self._change(row, status=FAILED, attempts=attempts, last_error=message, failure=reason,
                         failed_at=now)
            self.failed[reason] += 1
            if reason == OUTAGE:
                self.down.add(row.platform)
            log.error("outbox row %s failed (%s) after %s attempts: %s", row.id, reason, attempts, error)
            return None
        delay = error.retry_after or min(self.settings.backoff_seconds * 2 ** (attempts - 1),
                                         self.settings.backoff_cap_seconds)
        at = now + timedelta(seconds=delay)
        self._change(row, status=PENDING, attempts=attempts, next_attempt_at=at, last_error=message)
        return at

    def _change(self, row: OutboxMessage, **values: Any) -> None:
        base = {"id": row.id, "status": row.status, "attempts": row.attempts,
                "next_attempt_at": row.next_attempt_at, "last_error": row.last_error,
                "failure": None, "failed_at": None, "sent_at": None, "platform_message_id": None}
        self.changes.append({**base, **values})

    async def write(self, store: Store, token: str) -> None:
        """Everything gathered so far, in one transaction; kept for the next write if the
        database does not take it (StoreBusy propagates)."""
        if self.changes:
            async with self.writing(store, token):
                pass

    @contextlib.asynccontextmanager
    async def writing(self, store: Store, token: str) -> AsyncIterator[Tx]:
        """A transaction that first writes everything gathered so far, for the caller to go
        on in (the worker claims the next rows in it: on SQLite, one wait for the write lock
        per pass instead of two). If it does not commit, what was gathered is kept."""
        changes, posts = self.changes, self.posts
        self.changes, self.posts = [], []     # sends finishing meanwhile gather for the next write
        now = self.clock()
        try:
            async with store.transaction() as tx:
                if changes:
                    await tx.outbox.settle(changes, token)
                for row, message_id, handle in posts:
                    tx.outbox.record_post(row, message_id, now, handle)
                yield tx
        except BaseException:
            self.changes, self.posts = changes + self.changes, posts + self.posts
            raise

    def take_news(self) -> tuple[set[str], set[str]]:
        """Platforms that answered and platforms found down since the last call."""
        answered, down = self.answered, self.down
        self.answered, self.down = set(), set()
        return answered, down
