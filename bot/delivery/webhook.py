"""Outbound webhooks: the adapter that POSTs an event to a subscriber's URL, signed the
Standard Webhooks way (https://www.standardwebhooks.com): headers webhook-id (the event's
msg_… id, the same on every attempt and replay, so receivers de-duplicate), webhook-timestamp
(this attempt, in Unix seconds of the wall clock the receiver compares it with) and
webhook-signature "v1," + base64(HMAC-SHA256(secret, "{id}.{timestamp}.{body}")).

Rows come from the outbox like any chat message (platform "webhook", one "chat" per
subscription: a subscriber gets its events in order), so retries with backoff, the failed
state, recovery once the receiver answers again and `sitebot outbox` work unchanged. Any 2xx
is delivered; 410 Gone means the receiver wants no more (failed, not retried); 429 waits as
told; everything else, or no answer, is tried again."""
from __future__ import annotations

import time
from datetime import datetime, timezone
from typing import Callable

import aiohttp
from standardwebhooks.webhooks import Webhook

from bot.delivery.ports import PermanentError, PostRef, RateLimited, Sent, TransientError
from domain.store.repos.webhook_hook import PLATFORM, msg_id_of
from domain.store.repos.webhooks import WebhooksRepo
from domain.store.uow import Store
from handlers.chat.cards import Card
from handlers.chat.contract import Target, Text

TIMEOUT_SECONDS = 15.0     # a receiver should answer at once and do its work afterwards
USER_AGENT = "sitebot-webhooks/1"


def signed_headers(secret: str, msg_id: str, body: str, unix_seconds: int) -> dict[str, str]:
    when = datetime.fromtimestamp(unix_seconds, timezone.utc)
    return {"webhook-id": msg_id, "webhook-timestamp": str(unix_seconds),
            "webhook-signature": Webhook(secret).sign(msg_id, when, body)}


class WebhookAdapter:
    platform = PLATFORM

    def __init__(self, store: Store, wall_clock: Callable[[], float] = time.time,
                 timeout: float = TIMEOUT_SECONDS) -> None:
        self.store, self.wall_clock, self.timeout = store, wall_clock, timeout
        self._http: aiohttp.ClientSession | None = None

    async def send(self, target: Target, body: Text | Card, *, idempotency_key: str,
                   reply_to: str | None) -> Sent:
        async with self.store.transaction() as tx:
            subscription = await WebhooksRepo(tx.session).get(int(target.id))
        if subscription is None or subscription.removed_at is not None:
            raise PermanentError(f"webhook subscription {target.id} was removed")
        if not isinstance(body, Text):
            raise PermanentError("a webhook row carries its JSON body as text")
        msg_id = msg_id_of(idempotency_key)
        headers = {"Content-Type": "application/json", "User-Agent": USER_AGENT,
                   **signed_headers(subscription.secret, msg_id, body.text, int(self.wall_clock()))}
        async with self._session().post(subscription.url, data=body.text.encode(), headers=headers,
                                        allow_redirects=False) as response:
            status = response.status
            if 200 <= status < 300:
                return Sent(msg_id)
            reason = f"{subscription.url} answered {status}"
            if status == 410:
                raise PermanentError(reason + " (Gone: the receiver wants no more)")
            if status == 429:
                raise RateLimited(reason, _seconds(response.headers.get("Retry-After")) or 30.0)
            raise TransientError(reason, _seconds(response.headers.get("Retry-After")))

    async def update(self, post: PostRef, body: Card) -> Sent | None:
        raise PermanentError("webhook deliveries are never updated")

    def _session(self) -> aiohttp.ClientSession:
        if self._http is None or self._http.closed:
            self._http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self.timeout))
        return self._http

    async def close(self) -> None:
        if self._http is not None:
            await self._http.close()


def _seconds(header: str | None) -> float | None:
    try:
        return max(0.0, float(header)) if header else None
    except ValueError:
        return None
