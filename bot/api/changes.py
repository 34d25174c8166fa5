"""POST /api/v1/changes (scope changes:write): raise a change request as 变更 does in chat —
the same use case (the approval chain from the rules, the audit entry) and the same handler
code after it (the card posted to the project's internal groups, the first approver sent the
card to decide on)."""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from bot.api.endpoint import Call
from bot.api.payments import api_ctx
from bot.api.reads import shown
from domain.changes import service
from domain.changes.service import NewChange
from domain.enums import ChangeKind
from handlers.changes.decisions import post_to_group, role_names, send_to_current_approver


async def raise_change(call: Call) -> tuple[int, dict[str, Any]]:
    body = call.body or {}
    project = await call.project(body["project"])
    # The schema holds cost to a signed decimal of yuan (a budget may also shrink).
    cost = Decimal(body["cost"]) if body.get("cost") is not None else None
    ctx = api_ctx(call)
    new = NewChange(ChangeKind(body["kind"]), body["reason"], cost, body.get("days"), [])
    with role_names(ctx):
        created = await service.raise_change(call.tx, call.deps.changes, call.person, project, new, call.now,
                                             ctx.origin)
    await post_to_group(ctx, created, card=True)
    await send_to_current_approver(ctx, created)
    return 201, {**shown("changes", created), "number": service.number(created.id)}
