"""Ticket writes of /api/v1 (scope tickets:write): open one from an outside form or app,
comment on one, resolve one. Each runs the code chat runs — 报修's file_report (the card in the
project's groups, the assignee told, the SLA clock), `解决 T-12 …` (the note on the card, the
confirmer asked with it) — so only the answer differs: JSON instead of a card here."""
from __future__ import annotations

from typing import Any

from bot.api.endpoint import ApiProblem, Call
from bot.api.payments import api_ctx
from bot.api.reads import shown
from domain.enums import Category, Severity, TicketStatus
from domain.inputs import record_id
from domain.store.models import Ticket
from domain.tickets import notes
from handlers.chat.contract import Text
from handlers.tickets import resolution
from handlers.tickets.filing import file_report

SKIP = "skip"   # one of resolution.SKIP_WORDS: "no note"


async def create(call: Call) -> tuple[int, dict[str, Any]]:
    body = call.body or {}
    project = await call.project(body["project"])
    ctx = api_ctx(call)
    reporter = body.get("reporter") or {}
    text = body["text"].strip()
    if reporter.get("name", "").strip():
        # Who to call back is part of what the engineer reads on the card.
        text += "\n" + call.deps.t(call.deps.default_locale, "api.ticket.reported_by", via=call.token.name,
                                   name=reporter["name"].strip(), contact=(reporter.get("contact") or "").strip())
    category = Category(body["category"]) if body.get("category") else None
    severity = Severity(body["severity"]) if body.get("severity") else None
    ticket = await file_report(ctx, project, text, [], category=category, severity=severity)
    return 201, shown("tickets", ticket)


async def comment(call: Call) -> tuple[int, dict[str, Any]]:
    body = call.body or {}
    ticket = await _ticket(call)
    ctx = api_ctx(call)
    author = (body.get("author") or "").strip() or call.token.name
    await notes.add_note(call.tx, call.person, ticket.id, body["text"], call.now, ctx.origin, author=author)
    if ticket.assignee_id and ticket.assignee_id != call.person.id:
        assignee = await call.tx.people.get(ticket.assignee_id)
        locale = assignee.locale or call.deps.default_locale
        await ctx.notify(assignee, Text(call.deps.t(locale, "api.ticket.noted", number=ticket.number,
                                                    title=ticket.title, author=author, text=body["text"].strip())),
                         key=f"note:{call.request_id}")
    return 201, shown("tickets", ticket)


async def resolve(call: Call) -> tuple[int, dict[str, Any]]:
    """What `解决 T-12 <what was done>` does in chat (handlers/tickets/resolution.py): resolved,
    the note on the card, the confirmer asked with it. Without a note, the ask chat would wait
    for is answered 跳过 at once (a system cannot answer later), so the confirmer is asked now.
    201 when resolved now; 200 when it was resolved before (a retry, or someone in chat)."""
    ticket = await _ticket(call)
    before = ticket.status
    note = ((call.body or {}).get("note") or "").strip()
    ctx = api_ctx(call)
    await resolution.command(ctx, f"{ticket.id} {note}".strip())
    if not note:
        await resolution.take_note(ctx, SKIP)
    ticket = await call.tx.tickets.get(ticket.id)
    return (200 if before == TicketStatus.RESOLVED else 201), shown("tickets", ticket)


async def _ticket(call: Call) -> Ticket:
    ident = call.path["id"].strip().upper().removeprefix("T-")
    number = record_id(ident) if ident.isdigit() else None
    ticket = await call.tx.tickets.get(number) if number else None
    if ticket is None or not call.allows_project(ticket.project_id):
        raise ApiProblem(404, "Ticket not found", f"No ticket {call.path['id']} this token may see.")
    return ticket
