"""JSON Schemas (2020-12, as OpenAPI 3.1 uses them) of what /api/v1 answers and accepts."""
from __future__ import annotations

from typing import Any

STR, INT, BOOL = {"type": "string"}, {"type": "integer"}, {"type": "boolean"}
MONEY = {"type": "string", "pattern": r"^-?\d+(\.\d{1,2})?$", "description": "yuan, as a decimal string"}


def nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {**schema, "type": [schema["type"], "null"]}


def obj(**props: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "properties": props, "required": sorted(props), "additionalProperties": False}


DATE, TIME = nullable({"type": "string", "format": "date"}), {"type": "string", "format": "date-time"}

PROJECT = obj(id=INT, code=STR, name=STR, status=STR, customer_id=nullable(INT), address=nullable(STR),
              start_date=DATE, planned_end_date=DATE, created_at=TIME)
MILESTONE = obj(id=INT, project_id=INT, name=STR, seq=INT, weight=INT, progress=INT,
                planned_end=DATE, actual_end=DATE)
TICKET = obj(id=INT, number=STR, project_id=INT, title=STR, description=STR, category=STR, severity=STR,
             status=STR, assignee_id=nullable(INT), created_at=TIME, updated_at=TIME,
             resolve_due_at=nullable(TIME))
CHANGE = obj(id=INT, project_id=INT, kind=STR, status=STR, reason=nullable(STR), created_at=TIME)
CUSTOMER = obj(id=INT, name=STR, type=STR, grade=STR, created_at=TIME)
CONTACT = obj(id=INT, customer_id=INT, name=STR, title=nullable(STR), phone=nullable(STR),
              email=nullable(STR), wants_digest=BOOL, wants_email=BOOL)
CONTRACT = obj(id=INT, project_id=INT, number=STR, title=STR, value=MONEY, signed_on=DATE)
PAYMENT_MILESTONE = obj(id=INT, contract_id=INT, project_id=INT, name=STR, kind=STR, amount=MONEY,
                        due_date=DATE, status=STR, settled_on=DATE)
PAYMENT = obj(id=INT, payment_milestone_id=INT, project_id=INT, amount=MONEY, paid_on={"type": "string",
              "format": "date"}, note=nullable(STR), ref=nullable(STR), created_at=TIME)
RECORDED = obj(payment=PAYMENT, milestone=obj(id=INT, name=STR, amount=MONEY, paid=MONEY,
                                              outstanding=MONEY, settled=BOOL), already_recorded=BOOL)
PAYMENT_IN = {
    "type": "object", "additionalProperties": False, "required": ["project", "amount"],
    "properties": {
        "project": {"type": "string", "description": "the project code, e.g. P-001"},
        "amount": {"type": "string", "description": "as 回款 takes it: 200000, 20万, ¥200,000.00"},
        "milestone_id": {"type": "integer", "description": "the payment milestone (else the one the amount settles, "
                                                          "or a 409 listing the open ones)"},
        "reference": {"type": "string", "maxLength": 100,
                      "description": "the ERP's voucher number: the same one again records nothing"},
        "note": {"type": "string", "maxLength": 500},
        "allow_overpayment": {"type": "boolean", "default": False},
    },
}


def page_of(item: dict[str, Any]) -> dict[str, Any]:
    return obj(items={"type": "array", "items": item}, next_cursor=nullable(STR))


PROBLEM_SCHEMA = {"type": "object", "required": ["title", "status"],
                  "properties": {"type": STR, "title": STR, "status": INT, "detail": STR}}

# Outbound webhooks (bot/api/webhooks.py); the event types are domain/integrations/events.py's.
WEBHOOK = obj(id=INT, url=STR, events={"type": "array", "items": STR}, project=nullable(STR), created_at=TIME)
WEBHOOK_CREATED = {**WEBHOOK, "properties": {**WEBHOOK["properties"], "secret": {
    "type": "string", "description": "whsec_…: shown this once; the receiver verifies signatures with it"}},
    "required": [*WEBHOOK["required"], "secret"]}
REPLAYED = obj(events=INT, queued=INT, busy=INT)


def webhook_in(event_types: list[str]) -> dict[str, Any]:
    return {"type": "object", "additionalProperties": False, "required": ["url", "events"], "properties": {
        "url": {"type": "string", "pattern": "^https?://", "maxLength": 500},
        "events": {"type": "array", "minItems": 1, "uniqueItems": True, "items": {"enum": event_types}},
        "project": {"type": "string", "description": "only this project's events (default every project)"}}}


REPLAY_IN = {"type": "object", "additionalProperties": False, "properties": {
    "since": {"type": "string", "format": "date-time", "description": "events from this time on"},
    "ids": {"type": "array", "items": STR, "description": "these events (their webhook-id, msg_…)"},
    "subscription_id": {"type": "integer", "description": "only to this subscription"}},
    "anyOf": [{"required": ["since"]}, {"required": ["ids"]}]}

# Writes beyond payments (bot/api/tickets.py, bot/api/changes.py).
TICKET_IN = {
    "type": "object", "additionalProperties": False, "required": ["project", "text"],
    "properties": {
        "project": {"type": "string", "description": "the project code, e.g. P-001"},
        "text": {"type": "string", "minLength": 1, "maxLength": 2000, "pattern": r"\S",
                 "description": "what is wrong, as someone would write it after 报修 (its first clause "
                                "becomes the title)"},
        "category": {"enum": ["quality", "safety", "progress", "technical", "material", "coordination",
                              "complaint"], "description": "default: guessed from the text, as in chat"},
        "severity": {"enum": ["high", "medium", "low"], "description": "default: guessed from the text"},
        "reporter": {"type": "object", "additionalProperties": False, "required": ["name"],
                     "description": "who reported it in the outside form or app (shown on the card)",
                     "properties": {"name": {"type": "string", "minLength": 1, "maxLength": 100},
                                    "contact": {"type": "string", "maxLength": 100}}},
    },
}
NOTE_IN = {"type": "object", "additionalProperties": False, "required": ["text"], "properties": {
    "text": {"type": "string", "minLength": 1, "maxLength": 2000, "pattern": r"\S"},
    "author": {"type": "string", "maxLength": 100, "description": "who wrote it (default: the token's name)"}}}
RESOLVE_IN = {"type": "object", "additionalProperties": False, "properties": {
    "note": {"type": "string", "maxLength": 2000,
             "description": "what was done (shown on the card the confirmer answers); default none"}}}
CHANGE_IN = {
    "type": "object", "additionalProperties": False, "required": ["project", "kind", "reason"],
    "properties": {
        "project": {"type": "string", "description": "the project code, e.g. P-001"},
        "kind": {"enum": ["design", "schedule", "budget"], "description": "设计变更 / 工期调整 / 预算增补"},
        "reason": {"type": "string", "minLength": 1, "maxLength": 2000, "pattern": r"\S"},
        "cost": {"type": "string", "pattern": r"^[+-]?\d{1,10}(\.\d{1,2})?$",
                 "description": "the change to the contract value, yuan (budget: required)"},
        "days": {"type": "integer", "minimum": -3650, "maximum": 3650,
                 "description": "the change to the schedule, days (schedule: required)"},
    },
}
CHANGE_RAISED = {**CHANGE, "properties": {**CHANGE["properties"], "number": STR},
                 "required": sorted([*CHANGE["required"], "number"])}
