"""The one place outbound webhook events come from: the audit log.

`notice` is called for every audit entry appended (domain/store/repos/audit.py). An entry
that stands for a webhook event (domain/integrations/events.py) is remembered on the session;
just before the transaction commits, each such entry that is still part of it (a savepoint
that was undone took its entries along) becomes one `webhook_events` row and an outbox row per
subscriber. So the event is sent if and only if the change it announces is committed, and
nothing is written when nobody subscribed.

SQLAlchemy runs `before_commit` synchronously inside the async session's greenlet, where the
sync Session API may query (the documented way for event hooks under asyncio)."""
from __future__ import annotations

import json
import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from domain.integrations.events import event_type
from domain.store.models import (AuditEntry, ChangeRequest, Contract, Milestone, OutboxMessage,
                                 PaymentMilestone, Person, Project, Ticket)
from domain.store.models.webhooks import WebhookEvent, WebhookSubscription

PLATFORM = "webhook"       # the outbox rows' platform; the adapter is bot/delivery/webhook.py
TARGET_TYPE = "endpoint"   # target_id: the subscription's id
_PENDING = "webhook_entries"
_SUBSCRIPTIONS = WebhookSubscription.__table__
_LIVE = (select(_SUBSCRIPTIONS.c.id, _SUBSCRIPTIONS.c.event_types, _SUBSCRIPTIONS.c.project_id)
         .where(_SUBSCRIPTIONS.c.removed_at.is_(None)))


def watch(session_class: type[Session]) -> None:
    """Announce before each commit of a session of this class (Store, once: a listener added
    to each session as it noticed an entry cost about as much as the rest of the hook)."""
    if not event.contains(session_class, "before_commit", _announce):
        event.listen(session_class, "before_commit", _announce)


def notice(session: AsyncSession, entry: AuditEntry) -> None:
    kind = event_type(entry.action, entry.data or {})
    if kind is None:
        return
    session.sync_session.info.setdefault(_PENDING, []).append((kind, entry))


def outbox_key(msg_id: str, subscription_id: int) -> str:
    return f"webhook:{msg_id}:{subscription_id}"


def msg_id_of(outbox_key_text: str) -> str:
    return outbox_key_text.split(":")[1]


def outbox_row(webhook_event: WebhookEvent, subscription_id: int, now: datetime) -> OutboxMessage:
    """The delivery of one event to one subscriber. The body is kept as the exact text sent
    (a Text payload), so every attempt and replay signs the same bytes."""
    body = json.dumps(webhook_event.body, ensure_ascii=False, separators=(",", ":"))
    return OutboxMessage(idempotency_key=outbox_key(webhook_event.msg_id, subscription_id), platform=PLATFORM,
                         target_type=TARGET_TYPE, target_id=str(subscription_id), op="send",
                         payload={"type": "text", "text": body}, status="pending", attempts=0,
                         next_attempt_at=now, created_at=now, locale="zh-CN")


def _announce(session: Session) -> None:
    pending = session.info.pop(_PENDING, [])
    live = [(kind, entry) for kind, entry in pending if entry in session]
    if not live:
        return
    # Plain rows (id, event_types, project_id), not entities: every commit with an event
    # worth announcing asks, mostly to learn there is nobody.
    subscriptions = session.connection().execute(_LIVE).all()
    if not subscriptions:
        return
    for kind, entry in live:
        project_id, subject = _subject(session, entry)
        wanted = [s for s in subscriptions if kind in s.event_types
                  and (s.project_id is None or s.project_id == project_id)]
        if not wanted:
            continue
        made = WebhookEvent(msg_id=f"msg_{uuid.uuid4().hex}", type=kind, project_id=project_id,
                            created_at=entry.at, body={"type": kind, "timestamp": entry.at.isoformat(),
                                                       "data": _data(session, entry, project_id, subject)})
        session.add(made)
        for subscription in wanted:
            session.add(outbox_row(made, subscription.id, entry.at))


def _data(session: Session, entry: AuditEntry, project_id: int | None,
          subject: dict[str, Any]) -> dict[str, Any]:
    project = session.get(Project, project_id) if project_id is not None else None
    actor = session.get(Person, entry.actor_id) if entry.actor_id is not None else None
    return {"project": project.code if project else None, "subject": subject,
            "actor": actor.name if actor else None, "via": entry.platform,
            "details": _plain(entry.data or {})}


def _subject(session: Session, entry: AuditEntry) -> tuple[int | None, dict[str, Any]]:
    """The project and the current state of what the entry is about."""
    kind, ident = entry.subject_type, entry.subject_id
    if kind == "ticket":
        ticket = session.get(Ticket, int(ident.removeprefix("T-")))
        return ticket.project_id, _plain({
            "kind": "ticket", "number": ticket.number, "title": ticket.title, "category": ticket.category,
            "severity": ticket.severity, "status": ticket.status, "created_at": ticket.created_at})
    if kind == "change":
        change = session.get(ChangeRequest, int(ident.removeprefix("C-")))
        return change.project_id, _plain({
            "kind": "change", "number": f"C-{change.id}", "type": change.kind, "title": change.title,
            "status": change.status, "cost_delta": change.cost_delta, "days_delta": change.days_delta})
    if kind == "milestone":
        milestone = session.get(Milestone, int(ident))
        return milestone.project_id, _plain({
            "kind": "milestone", "id": milestone.id, "name": milestone.name,
            "progress": milestone.progress, "reached_on": milestone.actual_end})
    if kind == "payment_milestone":
        row = session.execute(select(PaymentMilestone, Contract).join(
            Contract, Contract.id == PaymentMilestone.contract_id).where(PaymentMilestone.id == int(ident))).one()
        milestone, contract = row
        return contract.project_id, _plain({
            "kind": "payment_milestone", "id": milestone.id, "name": milestone.name,
            "contract": contract.number, "amount": milestone.amount, "status": milestone.status,
            "due_date": milestone.due_date})
    if kind == "project":
        project = session.scalar(select(Project).where(Project.code == ident))
        return (project.id if project else None), {"kind": "project", "code": ident}
    return None, {"kind": kind, "id": ident}


def _plain(values: dict[str, Any]) -> dict[str, Any]:
    def one(value: Any) -> Any:
        if isinstance(value, Decimal):
            return f"{value:.2f}"
        if isinstance(value, (date, datetime)):
            return value.isoformat()
        return value
    return {key: one(value) for key, value in values.items()}
