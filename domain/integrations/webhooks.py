"""Webhook subscriptions (issue 20): an admin names a URL and the events it wants (all
projects or one); `replay` sends stored events again, under their own webhook-id.

What makes an event is domain/store/repos/webhook_hook.py (the audit log); how it is signed
and sent is bot/delivery/webhook.py."""
from __future__ import annotations

import base64
import secrets
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from domain.errors import InvalidInput, NotFound
from domain.integrations.events import EVENT_TYPES, parse_event_types
from domain.store.models.webhooks import WebhookSubscription
from domain.store.repos.webhooks import WebhooksRepo
from domain.store.uow import Tx

SECRET_PREFIX = "whsec_"


@dataclass(frozen=True)
class Replayed:
    events: int       # events found
    queued: int       # deliveries due again (or made)
    busy: int         # deliveries being sent right now, left alone


def new_secret() -> str:
    """Standard Webhooks: "whsec_" + base64 of the key bytes (24 random bytes here)."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(24)).decode()


def check_url(url: str) -> str:
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidInput("webhooks.bad_url", url=url)
    return url.strip()


def check_types(text: str) -> list[str]:
    types = parse_event_types(text)
    if types is None:
        raise InvalidInput("webhooks.bad_events", events=text, known=", ".join(EVENT_TYPES))
    return types


async def add_subscription(tx: Tx, url: str, events: str, project_code: str | None, now: datetime,
                           actor_id: int | None = None, platform: str = "cli") -> WebhookSubscription:
    url, types = check_url(url), check_types(events)
    project_id = None
    if project_code:
        project = await tx.projects.by_code(project_code.strip().upper())
        if project is None:
            raise NotFound("webhooks.no_project", code=project_code)
        project_id = project.id
    subscription = WebhookSubscription(url=url, event_types=types, project_id=project_id,
                                       secret=new_secret(), created_at=now)
    WebhooksRepo(tx.session).add(subscription)
    await tx.flush()
    tx.audit.append(at=now, actor_id=actor_id, platform=platform, action="webhook.add", subject_type="webhook",
                    subject_id=subscription.id, data={"url": url, "events": types, "project": project_code})
    return subscription


async def remove_subscription(tx: Tx, subscription_id: int, now: datetime, actor_id: int | None = None,
                              platform: str = "cli") -> WebhookSubscription:
    subscription = await WebhooksRepo(tx.session).get(subscription_id)
    if subscription is None or subscription.removed_at is not None:
        raise NotFound("webhooks.unknown", id=subscription_id)
    subscription.removed_at = now
    tx.audit.append(at=now, actor_id=actor_id, platform=platform, action="webhook.remove", subject_type="webhook",
                    subject_id=subscription.id, data={"url": subscription.url})
    return subscription


async def replay(tx: Tx, now: datetime, since: datetime | None = None, msg_ids: list[str] | None = None,
                 subscription_id: int | None = None) -> Replayed:
    """Every stored event since `since` (or with these ids) to every live subscriber that
    wants it (or only to `subscription_id`), as it was first sent."""
    if since is None and not msg_ids:
        raise InvalidInput("webhooks.replay_what")
    repo = WebhooksRepo(tx.session)
    subscribers = [s for s in await repo.live() if subscription_id in (None, s.id)]
    if subscription_id is not None and not subscribers:
        raise NotFound("webhooks.unknown", id=subscription_id)
    found = await repo.events(since, msg_ids)
    queued = busy = 0
    for webhook_event in found:
        for subscription in subscribers:
            if webhook_event.type in subscription.event_types and subscription.project_id in (
                    None, webhook_event.project_id):
                if await repo.send_again(webhook_event, subscription.id, now):
                    queued += 1
                else:
                    busy += 1
    return Replayed(len(found), queued, busy)
