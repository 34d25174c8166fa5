"""The read routes of /api/v1: lists (cursor pages, filters) and single items, each within the
token's projects."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from bot.api.endpoint import ApiProblem, Call, decode_cursor, encode_cursor
from domain.inputs import record_id
from domain.store.repos.api_reads import ApiReads, Filters

DEFAULT_LIMIT, MAX_LIMIT = 50, 200
# resource -> (the fields it shows, the column holding its project, or None)
FIELDS = {
    "projects": ("id", "code", "name", "status", "customer_id", "address", "start_date",
                 "planned_end_date", "created_at"),
    "milestones": ("id", "project_id", "name", "seq", "weight", "progress", "planned_end", "actual_end"),
    "tickets": ("id", "project_id", "title", "description", "category", "severity", "status",
                "assignee_id", "created_at", "updated_at", "resolve_due_at"),
    "changes": ("id", "project_id", "kind", "status", "reason", "created_at"),
    "customers": ("id", "name", "type", "grade", "created_at"),
    "contracts": ("id", "project_id", "number", "title", "value", "signed_on"),
}


def plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return value


def shown(resource: str, row: Any) -> dict[str, Any]:
    item = {name: plain(getattr(row, name)) for name in FIELDS[resource]}
    if resource == "tickets":
        item["number"] = f"T-{row.id}"
    return item


def _limit(call: Call) -> int:
    text = call.query.get("limit", str(DEFAULT_LIMIT))
    if not text.isdigit() or not 1 <= int(text) <= MAX_LIMIT:
        raise ApiProblem(400, "Bad limit", f"limit is a whole number from 1 to {MAX_LIMIT}.")
    return int(text)


async def _filters(call: Call) -> Filters:
    ids = call.project_ids
    code = call.query.get("project")
    if code:
        ids = [(await call.project(code)).id]
    since = None
    if call.query.get("updated_since"):
        try:
            since = datetime.fromisoformat(call.query["updated_since"].replace("Z", "+00:00"))
        except ValueError:
            raise ApiProblem(400, "Bad updated_since", "Give an ISO 8601 time with its zone, "
                                                       "e.g. 2026-11-23T08:00:00Z.") from None
        if since.tzinfo is None:
            raise ApiProblem(400, "Bad updated_since", "The time needs its zone (Z or +08:00).")
    return Filters(ids, call.query.get("status") or None, since)


def _page(items: list[dict[str, Any]], limit: int) -> tuple[int, dict[str, Any]]:
    more = len(items) > limit
    items = items[:limit]
    return 200, {"items": items, "next_cursor": encode_cursor(items[-1]["id"]) if more else None}


def lister(resource: str) -> Any:
    async def run(call: Call) -> tuple[int, dict[str, Any]]:
        limit = _limit(call)
        rows = await ApiReads(call.tx.session).page(resource, await _filters(call),
                                                    decode_cursor(call.query.get("cursor")), limit)
        return _page([shown(resource, r) for r in rows], limit)
    return run


def reader(resource: str) -> Any:
    async def run(call: Call) -> tuple[int, dict[str, Any]]:
        ident = call.path["id"]
        number = record_id(ident) if ident.isdigit() else None   # beyond any id: unknown, not a 500
        row = await ApiReads(call.tx.session).one(resource, number) if number else None
        project_id = getattr(row, "id" if resource == "projects" else "project_id", None)
        if row is None or not call.allows_project(project_id):
            raise ApiProblem(404, f"{resource[:-1].capitalize()} not found", f"No {resource[:-1]} {ident} "
                                                                             "this token may see.")
        return 200, shown(resource, row)
    return run


async def customer_contacts(call: Call) -> tuple[int, dict[str, Any]]:
    reads = ApiReads(call.tx.session)
    ident = call.path["id"]
    filters = Filters(call.project_ids)
    number = record_id(ident) if ident.isdigit() else None
    visible = [c.id for c in await reads.page("customers", filters, number - 1, 1)] if number else []
    if not visible or visible[0] != number:
        raise ApiProblem(404, "Customer not found", f"No customer {ident} this token may see.")
    contacts = await reads.contacts_of(number)
    return 200, {"items": [{"id": c.id, "customer_id": c.customer_id, "name": c.name, "title": c.title,
                            "phone": c.phone, "email": c.email, "wants_digest": c.wants_digest,
                            "wants_email": c.wants_email}
                           for c in contacts], "next_cursor": None}


async def payment_milestones(call: Call) -> tuple[int, dict[str, Any]]:
    limit = _limit(call)
    filters = await _filters(call)
    rows = await ApiReads(call.tx.session).payment_milestones(filters.project_ids,
                                                              decode_cursor(call.query.get("cursor")), limit)
    return _page([{"id": m.id, "contract_id": c.id, "project_id": c.project_id, "name": m.name, "kind": m.kind,
                   "amount": plain(m.amount), "due_date": plain(m.due_date), "status": m.status,
                   "settled_on": plain(m.settled_on)} for m, c in rows], limit)


def payment_item(payment: Any, project_id: int) -> dict[str, Any]:
    return {"id": payment.id, "payment_milestone_id": payment.payment_milestone_id, "project_id": project_id,
            "amount": plain(payment.amount), "paid_on": plain(payment.paid_on), "note": payment.note,
            "ref": payment.ref, "created_at": plain(payment.created_at)}


async def payments(call: Call) -> tuple[int, dict[str, Any]]:
    limit = _limit(call)
    filters = await _filters(call)
    rows = await ApiReads(call.tx.session).payments(filters.project_ids, filters.updated_since,
                                                    decode_cursor(call.query.get("cursor")), limit)
    return _page([payment_item(p, c.project_id) for p, _, c in rows], limit)
