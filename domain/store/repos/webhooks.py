"""Webhook subscriptions, the events sent, and their deliveries (outbox rows) for replays."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.store.models import OutboxMessage
from domain.store.models.webhooks import WebhookEvent, WebhookSubscription
from domain.store.repos.outbox_failures import PENDING, SENDING
from domain.store.repos.webhook_hook import PLATFORM, outbox_key, outbox_row


class WebhooksRepo:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, subscription: WebhookSubscription) -> None:
        self.session.add(subscription)

    async def get(self, subscription_id: int) -> WebhookSubscription | None:
        return await self.session.get(WebhookSubscription, subscription_id)

    async def live(self) -> list[WebhookSubscription]:
        return list(await self.session.scalars(select(WebhookSubscription).where(
            WebhookSubscription.removed_at.is_(None)).order_by(WebhookSubscription.id)))

    async def events(self, since: datetime | None = None, msg_ids: list[str] | None = None,
                     limit: int = 10_000) -> list[WebhookEvent]:
        query = select(WebhookEvent).order_by(WebhookEvent.created_at, WebhookEvent.id).limit(limit)
        if since is not None:
            query = query.where(WebhookEvent.created_at >= since)
        if msg_ids is not None:
            query = query.where(WebhookEvent.msg_id.in_(msg_ids))
        return list(await self.session.scalars(query))

    async def deliveries(self, subscription_id: int, limit: int = 50) -> list[OutboxMessage]:
        """The subscription's latest deliveries, newest first."""
        return list(await self.session.scalars(select(OutboxMessage).where(
            OutboxMessage.platform == PLATFORM, OutboxMessage.target_id == str(subscription_id))
            .order_by(OutboxMessage.id.desc()).limit(limit)))

    async def send_again(self, webhook_event: WebhookEvent, subscription_id: int, now: datetime) -> bool:
        """Deliver the event to the subscriber again, under the same webhook-id: its delivery
        row is due at once with fresh attempts (or made, for a subscriber added since). False
        when it is being sent right now."""
        key = outbox_key(webhook_event.msg_id, subscription_id)
        row = await self.session.scalar(select(OutboxMessage).where(OutboxMessage.idempotency_key == key))
        if row is None:
            self.session.add(outbox_row(webhook_event, subscription_id, now))
            return True
        if row.status == SENDING and row.claimed_until is not None and row.claimed_until > now:
            return False
        row.status, row.attempts, row.next_attempt_at = PENDING, 0, now
        row.failure = row.failed_at = row.sent_at = row.claim_token = row.claimed_until = None
        return True
