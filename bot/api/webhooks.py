"""/api/v1/webhooks (scope webhooks:admin): the same subscriptions as `sitebot webhooks`,
through the same use cases (domain/integrations/webhooks.py). A token limited to projects
manages only subscriptions to one of its projects."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.api.endpoint import ApiProblem, Call
from bot.api.reads import plain
from domain.inputs import record_id
from domain.integrations import webhooks
from domain.store.models.webhooks import WebhookSubscription
from domain.store.repos.webhooks import WebhooksRepo


async def _item(call: Call, subscription: WebhookSubscription, secret: bool = False) -> dict[str, Any]:
    project = await call.tx.projects.get(subscription.project_id) if subscription.project_id else None
    item = {"id": subscription.id, "url": subscription.url, "events": list(subscription.event_types),
            "project": project.code if project else None, "created_at": plain(subscription.created_at)}
    if secret:
        item["secret"] = subscription.secret
    return item


async def listed(call: Call) -> tuple[int, dict[str, Any]]:
    found = [s for s in await WebhooksRepo(call.tx.session).live() if _mine(call, s)]
    return 200, {"items": [await _item(call, s) for s in found], "next_cursor": None}


async def create(call: Call) -> tuple[int, dict[str, Any]]:
    body = call.body or {}
    project = body.get("project")
    if project:
        await call.project(project)      # 404 outside the token's projects
    elif call.project_ids is not None:
        raise ApiProblem(422, "Project required", "This token is limited to projects: name one of them.")
    made = await webhooks.add_subscription(call.tx, body["url"], ",".join(body["events"]), project, call.now,
                                           actor_id=call.person.id, platform="api")
    return 201, await _item(call, made, secret=True)


async def remove(call: Call) -> tuple[int, dict[str, Any]]:
    subscription = await _own(call, call.path["id"])
    gone = await webhooks.remove_subscription(call.tx, subscription.id, call.now, actor_id=call.person.id,
                                              platform="api")
    return 200, await _item(call, gone)


async def replay(call: Call) -> tuple[int, dict[str, Any]]:
    body = call.body or {}
    subscription = await _own(call, str(body["subscription_id"])) if "subscription_id" in body else None
    if subscription is None and call.project_ids is not None:
        raise ApiProblem(422, "Subscription required", "This token is limited to projects: name a subscription.")
    since = datetime.fromisoformat(body["since"]) if body.get("since") else None
    if since is not None and since.tzinfo is None:
        raise ApiProblem(422, "Invalid body", "since: give a time zone (e.g. 2026-11-23T08:00:00+08:00).")
    done = await webhooks.replay(call.tx, call.now, since, body.get("ids") or None,
                                 subscription.id if subscription else None)
    return 202, {"events": done.events, "queued": done.queued, "busy": done.busy}


def _mine(call: Call, subscription: WebhookSubscription) -> bool:
    return call.project_ids is None or subscription.project_id in call.project_ids


async def _own(call: Call, ident: str) -> WebhookSubscription:
    number = record_id(ident) if ident.isdigit() else None
    found = await WebhooksRepo(call.tx.session).get(number) if number else None
    if found is None or found.removed_at is not None or not _mine(call, found):
        raise ApiProblem(404, "Webhook not found", f"No webhook subscription {ident} this token may see.")
    return found
