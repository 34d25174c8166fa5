"""The outbox: rows written in the same transaction as the change they announce, then sent by
the delivery worker. Claims make two processes share the work without sending a row twice."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Collection

from sqlalchemy import Row, and_, bindparam, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from domain.store.models import CardPost, OutboxMessage
from domain.store.repos.outbox_failures import (FAILED, OUTAGE, PENDING, PERMANENT, SENDING,
                                                SENT, OutboxCounts, OutboxFailures)

__all__ = ["FAILED", "OUTAGE", "PENDING", "PERMANENT", "SENDING", "SENT", "SETTLED_COLUMNS",
           "OutboxCounts", "OutboxRepo"]

SCAN = 2   # claim_due looks at this many of the oldest due rows per row it may claim
# What a delivery pass writes back for a row it claimed (`settle`), one statement for all.
SETTLED_COLUMNS = ("status", "attempts", "next_attempt_at", "last_error", "failure", "failed_at",
                   "sent_at", "platform_message_id")


class OutboxRepo(OutboxFailures):
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def enqueue(self, *, key: str, platform: str, target_type: str, target_id: str,
                      payload: dict[str, Any], now: datetime, op: str = "send",
                      card_key: str | None = None, post_id: int | None = None,
                      reply_to: str | None = None, locale: str = "zh-CN") -> OutboxMessage | None:
        """Add a row unless one with the same idempotency key exists (then None). A redraw of
        a posted card (op "update", `post_id`) whose older redraw is still pending (not yet
        claimed) replaces that row's card instead (then None): bursts of changes (确认解决
        closes the ticket and sends the survey) redraw each copy once, in its latest state."""
        existing = await self.session.scalar(
            select(OutboxMessage.id).where(OutboxMessage.idempotency_key == key))
        if existing is not None:
            return None
        if op == "update" and post_id is not None:
            older = await self.session.scalar(select(OutboxMessage).where(   # ix by card_key
                OutboxMessage.card_key == card_key, OutboxMessage.post_id == post_id,
                OutboxMessage.op == "update",
                OutboxMessage.status == PENDING).order_by(OutboxMessage.id.desc()).limit(1))
            if older is not None:
                older.payload = payload
                return None
        row = OutboxMessage(idempotency_key=key, platform=platform, target_type=target_type,
                            target_id=target_id, op=op, payload=payload, card_key=card_key,
                            post_id=post_id, reply_to=reply_to, locale=locale, status=PENDING,
                            attempts=0, next_attempt_at=now, created_at=now)
        self.session.add(row)
        return row

    async def enqueue_many(self, rows: list[dict[str, Any]], now: datetime) -> None:
        """`enqueue` for many rows in one statement, in order: each row (key, platform,
        target_type, target_id, payload, and optionally op, card_key, post_id, reply_to,
        locale) is added unless a row with its key exists."""
        if not rows:
            return
        dialect = postgresql if self.session.bind.dialect.name == "postgresql" else sqlite
        values = [{"idempotency_key": row["key"], "platform": row["platform"],
                   "target_type": row["target_type"], "target_id": row["target_id"],
                   "op": row.get("op", "send"), "payload": row["payload"],
                   "card_key": row.get("card_key"), "post_id": row.get("post_id"),
                   "reply_to": row.get("reply_to"), "locale": row.get("locale", "zh-CN"),
                   "status": PENDING, "attempts": 0, "next_attempt_at": now, "created_at": now}
                  for row in rows]
        await self.session.execute(dialect.insert(OutboxMessage.__table__)
                                   .on_conflict_do_nothing(index_elements=["idempotency_key"]), values)

    async def claim_due(self, now: datetime, limit: int, token: str, claim_seconds: int,
                        skip_platforms: Collection[str] = (),
                        platforms: Collection[str] | None = None) -> list[Row]:
        """Mark up to `limit` due rows as ours, keeping each chat's messages in order; returns
        them as Core rows with OutboxMessage's columns.

        A chat's rows are claimed only by whoever takes its oldest unfinished row (its head),
        and only while they are due one after another: so a deferred message is never
        overtaken, and two processes never send to the same chat at once. Rows whose claim
        ran out (a crashed process) are due again. PostgreSQL skips heads another process is
        claiming right now. `skip_platforms`: rows another process delivers (the web process
        keeps the console's, whose hub lives there; the worker process all others);
        `platforms`: only these platforms' rows (the worker claims a platform whose shared
        limit is nearly used up on its own, as many as fit).

        Every statement stays small however long the queue: the oldest due rows (a range of
        ix_outbox_status_id, `SCAN` per row claimed), then the unfinished rows of their chats
        (ix_outbox_target), then the claim by primary key."""
        chats = await self._due_chats(now, limit * SCAN, skip_platforms, platforms)
        if not chats:
            return []
        runs = await self._due_runs(now, chats)
        if self.session.bind.dialect.name == "postgresql":   # heads another process is claiming
            heads = [run[0] for run in runs.values()]
            locked = set(await self.session.scalars(
                select(OutboxMessage.id).where(OutboxMessage.id.in_(heads))
                .with_for_update(skip_locked=True)))
            runs = {chat: run for chat, run in runs.items() if run[0] in locked}
        ids: list[int] = []
        for chat in chats:
            ids += runs.get(chat, [])[:limit - len(ids)]
        if not ids:
            return []
        due = or_(and_(OutboxMessage.status == PENDING, OutboxMessage.next_attempt_at <= now),
                  and_(OutboxMessage.status == SENDING, OutboxMessage.claimed_until < now))
        await self.session.execute(
            update(OutboxMessage).where(OutboxMessage.id.in_(ids), due)
            .values(status=SENDING, claim_token=token,
                    claimed_until=now + timedelta(seconds=claim_seconds))
            .execution_options(synchronize_session=False))
        # Core rows (the table's columns as read-only attributes), not ORM objects: the worker
        # only reads them, and loading hundreds a second into the session costs more than the send.
        table = OutboxMessage.__table__
        return list(await self.session.execute(
            select(table).where(table.c.id.in_(ids), table.c.claim_token == token).order_by(table.c.id)))

    async def _due_chats(self, now: datetime, scan: int, skip_platforms: Collection[str],
                         platforms: Collection[str] | None) -> list[tuple[str, str, str]]:
        """The chats of the oldest `scan` due rows (pending and due, or claimed by a process
        whose claim ran out), oldest first."""
        when = OutboxMessage.next_attempt_at
        if self.session.bind.dialect.name == "sqlite":
            # Read the time from the row, not the index: SQLite then walks ix_outbox_status_id in
            # id order and stops after `scan` rows, instead of sorting every due row first.
            when = func.coalesce(when, when)
        found: list[tuple[int, tuple[str, str, str]]] = []
        for ready in (and_(OutboxMessage.status == PENDING, when <= now),
                      and_(OutboxMessage.status == SENDING, OutboxMessage.claimed_until < now)):
            query = (select(OutboxMessage.id, OutboxMessage.platform, OutboxMessage.target_type,
                            OutboxMessage.target_id).where(ready).order_by(OutboxMessage.id).limit(scan))
            if skip_platforms:
                query = query.where(OutboxMessage.platform.not_in(list(skip_platforms)))
            if platforms is not None:
                query = query.where(OutboxMessage.platform.in_(list(platforms)))
            found += [(row_id, (platform, kind, target)) for row_id, platform, kind, target
                      in await self.session.execute(query)]
        return list(dict.fromkeys(chat for _, chat in sorted(found)))

    async def _due_runs(self, now: datetime, chats: list[tuple[str, str, str]]) -> dict[tuple, list[int]]:
        """For each chat whose oldest unfinished row is due: that row and the ones after it,
        while they are due one after another (a deferred row stops the run)."""
        by_platform: dict[str, set[str]] = {}
        for platform, _, target in chats:
            by_platform.setdefault(platform, set()).add(target)
        wanted, runs, stopped = set(chats), {}, set()
        for platform, targets in by_platform.items():
            rows = await self.session.execute(
                select(OutboxMessage.id, OutboxMessage.target_type, OutboxMessage.target_id,
                       OutboxMessage.status, OutboxMessage.next_attempt_at, OutboxMessage.claimed_until)
                .where(OutboxMessage.platform == platform, OutboxMessage.target_id.in_(list(targets)),
                       OutboxMessage.status.in_((PENDING, SENDING)))
                .order_by(OutboxMessage.id))
            for row_id, kind, target, status, at, claimed_until in rows:
                chat = (platform, kind, target)
                if chat not in wanted or chat in stopped:
                    continue
                if (status == PENDING and at <= now) or (
                        status == SENDING and claimed_until is not None and claimed_until < now):
                    runs.setdefault(chat, []).append(row_id)
                else:
                    stopped.add(chat)   # the rest of this chat waits behind it
        return runs

    async def recent_sends(self, since: datetime, now: datetime,
                           platforms: Collection[str]) -> list[tuple[str, str, str, datetime]]:
        """What the platforms may still count against their limits, as (platform, target_type,
        target_id, when), oldest first: rows sent at or after `since` (when: `sent_at`, the
        time the answer came) and rows some process is sending now (when: `now`, their answer
        may come any moment). For a sender that starts (bot/delivery/recall.py)."""
        if not platforms:
            return []
        table = OutboxMessage.__table__
        columns = (table.c.platform, table.c.target_type, table.c.target_id)
        sent = await self.session.execute(
            select(*columns, table.c.sent_at).where(table.c.sent_at >= since,   # ix_outbox_sent_at
                                                   table.c.status == SENT,
                                                   table.c.platform.in_(list(platforms))))
        sending = await self.session.execute(
            select(*columns).where(table.c.status == SENDING, table.c.claimed_until >= now,
                                   table.c.platform.in_(list(platforms))))
        found = [(platform, kind, target, at) for platform, kind, target, at in sent]
        found += [(platform, kind, target, now) for platform, kind, target in sending]
        return sorted(found, key=lambda send: send[3])

    async def get(self, row_id: int) -> OutboxMessage | None:
        return await self.session.get(OutboxMessage, row_id)

    async def pending_sends(self, card_key: str) -> list[OutboxMessage]:
        """First copies of a live card that have not gone out yet."""
        return list(await self.session.scalars(select(OutboxMessage).where(
            OutboxMessage.card_key == card_key, OutboxMessage.op == "send",
            OutboxMessage.status == PENDING)))

    async def pending_sends_of(self, card_keys: list[str]) -> dict[str, list[OutboxMessage]]:
        """`pending_sends` for many live cards in one query."""
        found: dict[str, list[OutboxMessage]] = {key: [] for key in card_keys}
        if card_keys:
            for row in await self.session.scalars(select(OutboxMessage).where(
                    OutboxMessage.card_key.in_(list(set(card_keys))), OutboxMessage.op == "send",
                    OutboxMessage.status == PENDING).order_by(OutboxMessage.id)):
                found[row.card_key].append(row)
        return found

    async def posts_of(self, card_keys: list[str]) -> dict[str, list[CardPost]]:
        """`posts_for` for many live cards in one query."""
        found: dict[str, list[CardPost]] = {key: [] for key in card_keys}
        if card_keys:
            for post in await self.session.scalars(select(CardPost).where(
                    CardPost.card_key.in_(list(set(card_keys)))).order_by(CardPost.id)):
                found[post.card_key].append(post)
        return found

    async def posts_for(self, card_key: str) -> list[CardPost]:
        return list(await self.session.scalars(
            select(CardPost).where(CardPost.card_key == card_key).order_by(CardPost.id)))

    async def post(self, platform: str, message_id: str) -> CardPost | None:
        return await self.session.scalar(select(CardPost).where(
            CardPost.platform == platform, CardPost.message_id == message_id))

    async def keep_post_handle(self, platform: str, message_id: str, handle: dict[str, Any]) -> None:
        """Merge what the platform gave for updating a posted card into its handle."""
        post = await self.post(platform, message_id)
        if post is not None:
            post.handle = {**post.handle, **handle}

    def record_post(self, row: OutboxMessage, message_id: str, now: datetime,
                    handle: dict[str, Any] | None = None) -> None:
        self.session.add(CardPost(card_key=row.card_key, platform=row.platform,
                                  target_type=row.target_type, target_id=row.target_id,
                                  message_id=message_id, locale=row.locale, handle=handle or {},
                                  created_at=now))

    async def by_status(self, status: str, limit: int = 100) -> list[OutboxMessage]:
        return list(await self.session.scalars(
            select(OutboxMessage).where(OutboxMessage.status == status)
            .order_by(OutboxMessage.id).limit(limit)))

    async def next_due(self) -> datetime | None:
        return await self.session.scalar(
            select(func.min(OutboxMessage.next_attempt_at)).where(OutboxMessage.status == PENDING))

    async def get_post(self, post_id: int) -> CardPost | None:
        return await self.session.get(CardPost, post_id)

    async def hand_over(self, ids: list[int], now: datetime, token: str) -> set[int]:
        """Write-ahead for a send the platform could not recognise if it came again
        (bot/delivery/handover.py): `sent_at` on claimed rows that are still ours, while they
        stay `sending`. Returns the ids marked (the others are no longer ours: not to be sent)."""
        table = OutboxMessage.__table__
        marked = await self.session.execute(
            update(table).where(table.c.id.in_(ids), table.c.claim_token == token,
                                table.c.status == SENDING)
            .values(sent_at=now).returning(table.c.id))
        return set(marked.scalars())

    async def settle(self, changes: list[dict[str, Any]], token: str) -> None:
        """Write back what became of claimed rows: each change has `id` and every column of
        SETTLED_COLUMNS. One statement per kind for a whole pass. A row sent is recorded even
        if its claim ran out meanwhile (the platform has it); any other outcome only while
        the row is still ours (else whoever claimed it since decides)."""
        table = OutboxMessage.__table__
        values = {name: bindparam(f"v_{name}") for name in SETTLED_COLUMNS}
        sent = [c for c in changes if c["status"] == SENT]
        other = [c for c in changes if c["status"] != SENT]
        for group, ours_only in ((sent, False), (other, True)):
            if not group:
                continue
            where = [table.c.id == bindparam("v_id")]
            if ours_only:
                where.append(table.c.claim_token == token)
            await self.session.execute(
                update(table).where(*where).values(claim_token=None, **values),
                [{f"v_{key}": value for key, value in change.items()} for change in group])
