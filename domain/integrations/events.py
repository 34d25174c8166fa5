"""The events outbound webhooks announce, and which audit entry stands for which.

Every change these events report already writes an audit entry in the transaction that makes
it (ticket.created, change.approve, payment.record …). So the audit log is the one place they
are noticed (domain/store/repos/webhooks.py): a new kind of change needs a line here, not a
call in its use case. Pure data, no store: the store's hook imports it."""
from __future__ import annotations

from typing import Any

EVENT_TYPES: dict[str, str] = {
    "ticket.created": "a ticket was opened (报修, the API, a proposal registered)",
    "ticket.accepted": "the assignee accepted a ticket",
    "ticket.escalated": "a ticket went up the escalation ladder",
    "ticket.resolved": "a ticket was marked resolved",
    "ticket.closed": "a ticket was closed (confirmed, or closed by itself)",
    "change.raised": "a change request was raised (变更)",
    "change.approved": "a change request step was approved",
    "change.rejected": "a change request was rejected",
    "milestone.reached": "a project milestone reached 100 %",
    "payment.recorded": "a payment was recorded (回款 or the API)",
    "payment.overdue": "an overdue payment was chased (a dunning step)",
    "digest.sent": "a project's daily digest went out",
}

_BY_ACTION = {
    "ticket.created": "ticket.created", "ticket.accepted": "ticket.accepted",
    "ticket.escalated": "ticket.escalated", "ticket.resolved": "ticket.resolved",
    "ticket.closed": "ticket.closed", "ticket.auto_closed": "ticket.closed",
    "change.raise": "change.raised", "change.approve": "change.approved", "change.reject": "change.rejected",
    "payment.record": "payment.recorded", "payment.dun": "payment.overdue",
    "digest.sent": "digest.sent",
}


def event_type(action: str, data: dict[str, Any]) -> str | None:
    """The webhook event an audit entry stands for, or None."""
    if action == "progress.update":
        reached = int(data.get("to", 0)) >= 100 > int(data.get("from", 0))
        return "milestone.reached" if reached else None
    return _BY_ACTION.get(action)


def parse_event_types(text: str) -> list[str] | None:
    """`ticket.created,payment.*` → the event types; None when one is unknown. `*` and
    `area.*` stand for every type, of the area."""
    wanted: list[str] = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        if part == "*":
            matched = list(EVENT_TYPES)
        elif part.endswith(".*"):
            matched = [t for t in EVENT_TYPES if t.startswith(part[:-1])]
        else:
            matched = [part] if part in EVENT_TYPES else []
        if not matched:
            return None
        wanted += [t for t in matched if t not in wanted]
    return wanted or None
