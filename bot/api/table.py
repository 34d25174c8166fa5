"""Every route of /api/v1, declared once: the server installs these and the OpenAPI document
is generated from them (bot/api/openapi.py), so the two cannot drift apart."""
from __future__ import annotations

from bot.api import changes, payments, reads, tickets, webhooks
from bot.api import schemas as s
from bot.api.endpoint import Endpoint, Param
from domain.integrations.events import EVENT_TYPES

V1 = "/api/v1"
PAGING = (Param("cursor", "next_cursor of the previous page"),
          Param("limit", "items per page, 1–200 (default 50)", {"type": "integer", "minimum": 1, "maximum": 200}))
PROJECT = Param("project", "only this project (its code, e.g. P-001)")
STATUS = Param("status", "only items in this status")
SINCE = Param("updated_since", "only items changed since (ISO 8601 with zone)", {"type": "string",
                                                                                 "format": "date-time"})


def _list(resource: str, scope: str, item: dict, summary: str, tag: str, *filters: Param) -> Endpoint:
    return Endpoint("GET", f"{V1}/{resource}", f"list_{resource}", scope, summary, reads.lister(resource),
                    item, query=PAGING + filters, paged=True, tag=tag)


def _one(resource: str, scope: str, item: dict, summary: str, tag: str) -> Endpoint:
    return Endpoint("GET", f"{V1}/{resource}/{{id}}", f"get_{resource[:-1]}", scope, summary,
                    reads.reader(resource), item, tag=tag)


ENDPOINTS: tuple[Endpoint, ...] = (
    _list("projects", "projects:read", s.PROJECT, "Projects", "projects", STATUS, SINCE),
    _one("projects", "projects:read", s.PROJECT, "One project", "projects"),
    _list("milestones", "projects:read", s.MILESTONE, "Milestones and their progress", "projects",
          PROJECT, SINCE),
    _list("tickets", "tickets:read", s.TICKET, "Tickets (工单)", "tickets", PROJECT, STATUS, SINCE),
    _one("tickets", "tickets:read", s.TICKET, "One ticket", "tickets"),
    Endpoint("POST", f"{V1}/tickets", "create_ticket", "tickets:write",
             "Open a ticket from an outside form or app — exactly what 报修 does in chat", tickets.create,
             s.TICKET, status=201, body=s.TICKET_IN, tag="tickets"),
    Endpoint("POST", f"{V1}/tickets/{{id}}/comments", "comment_ticket", "tickets:write",
             "Add a note to a ticket's timeline (its assignee is told)", tickets.comment, s.TICKET,
             status=201, body=s.NOTE_IN, tag="tickets"),
    Endpoint("POST", f"{V1}/tickets/{{id}}/resolve", "resolve_ticket", "tickets:write",
             "Mark a ticket resolved, with what was done — exactly what 解决 T-12 … does (the confirmer is asked)",
             tickets.resolve, s.TICKET, status=201, body=s.RESOLVE_IN, tag="tickets"),
    _list("changes", "changes:read", s.CHANGE, "Change requests", "changes", PROJECT, STATUS, SINCE),
    _one("changes", "changes:read", s.CHANGE, "One change request", "changes"),
    Endpoint("POST", f"{V1}/changes", "raise_change", "changes:write",
             "Raise a change request — exactly what 变更 does in chat (the approval chain starts)",
             changes.raise_change, s.CHANGE_RAISED, status=201, body=s.CHANGE_IN, tag="changes"),
    _list("customers", "customers:read", s.CUSTOMER, "Customers", "customers", SINCE),
    _one("customers", "customers:read", s.CUSTOMER, "One customer", "customers"),
    Endpoint("GET", f"{V1}/customers/{{id}}/contacts", "list_contacts", "customers:read",
             "A customer's contacts", reads.customer_contacts, s.CONTACT, paged=True, tag="customers"),
    _list("contracts", "contracts:read", s.CONTRACT, "Contracts", "finance", PROJECT, SINCE),
    Endpoint("GET", f"{V1}/payment-milestones", "list_payment_milestones", "contracts:read",
             "Payment milestones (the schedule of each contract)", reads.payment_milestones,
             s.PAYMENT_MILESTONE, query=PAGING + (PROJECT,), paged=True, tag="finance"),
    Endpoint("GET", f"{V1}/payments", "list_payments", "payments:read", "Payments received",
             reads.payments, s.PAYMENT, query=PAGING + (PROJECT, SINCE), paged=True, tag="finance"),
    Endpoint("POST", f"{V1}/payments", "record_payment", "payments:write",
             "Record a payment received — exactly what 回款 does in chat", payments.record,
             s.RECORDED, status=201, body=s.PAYMENT_IN, tag="finance"),
    Endpoint("GET", f"{V1}/webhooks", "list_webhooks", "webhooks:admin", "Outbound webhook subscriptions",
             webhooks.listed, s.WEBHOOK, paged=True, tag="webhooks"),
    Endpoint("POST", f"{V1}/webhooks", "add_webhook", "webhooks:admin",
             "Send these events, signed, to a URL (the answer holds the signing secret, shown once)",
             webhooks.create, s.WEBHOOK_CREATED, status=201, body=s.webhook_in(list(EVENT_TYPES)), tag="webhooks"),
    Endpoint("DELETE", f"{V1}/webhooks/{{id}}", "remove_webhook", "webhooks:admin", "Send no more to it",
             webhooks.remove, s.WEBHOOK, tag="webhooks"),
    Endpoint("POST", f"{V1}/webhooks/replay", "replay_webhooks", "webhooks:admin",
             "Send stored events again, under their own webhook-id", webhooks.replay, s.REPLAYED, status=202,
             body=s.REPLAY_IN, tag="webhooks"),
)
