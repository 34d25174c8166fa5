"""POST /api/v1/payments: an ERP records a payment, with exactly the effects of 回款 — the same
domain service (record_payment: rules, once per reference, audit) and the same handler code
after it (handlers.finance.commands.announce_recorded: cards redrawn wherever posted, the
customer group thanked; dunning stops because the milestone is paid). Only the answer differs:
JSON here instead of a card in the chat the command came from."""
from __future__ import annotations

from typing import Any

from bot.api.endpoint import ApiProblem, Call
from bot.api.reads import payment_item, plain
from domain.errors import DomainError
from domain.finance.ledger import receivables
from domain.finance.money import parse_money
from domain.finance.payments import AlreadyRecorded, ChooseMilestone, ConfirmOverpayment, record_payment
from handlers.chat.context import Ctx
from handlers.chat.contract import Actor, Conversation, Message
from handlers.finance.commands import announce_recorded


def api_ctx(call: Call) -> Ctx:
    """The chat machinery's answering object for an API call: where it 'came from' is the
    token's own conversation on platform "api", which nothing is ever sent to."""
    where = f"token:{call.token.id}"
    event = Message("api", f"{call.token.id}:{call.request_id}", Actor("api", where, call.token.name),
                    Conversation("api", where, is_group=False))
    locale = call.person.locale or call.deps.default_locale
    call.ctx = Ctx(call.tx, call.deps, event, call.now, call.person, None, None, locale)
    return call.ctx


async def record(call: Call) -> tuple[int, dict[str, Any]]:
    body = call.body or {}
    project = await call.project(body["project"])
    try:
        amount = parse_money(body["amount"])
    except DomainError as error:
        raise ApiProblem(422, "Invalid amount", call.deps.t(call.deps.default_locale, error.key,
                                                            **error.params)) from None
    # The ERP's voucher makes the payment's reference (one voucher, one payment, however often
    # it is sent); without one, the Idempotency-Key or this request's id.
    ref = f"api:{call.token.id}:{body.get('reference') or call.request_id}"
    ctx = api_ctx(call)
    outcome = await record_payment(call.tx, call.person, project, amount, now=call.now,
                                   today=call.now.astimezone(call.deps.timezone).date(), ref=ref,
                                   milestone_id=body.get("milestone_id"),
                                   confirm_over=bool(body.get("allow_overpayment")), note=body.get("note"))
    if isinstance(outcome, ChooseMilestone):
        raise ApiProblem(409, "Which payment milestone?", "The amount settles none of the open milestones "
                         "exactly; send milestone_id.", options=[
                             {"milestone_id": r.milestone.id, "name": r.milestone.name,
                              "outstanding": plain(r.outstanding)} for r in outcome.options])
    if isinstance(outcome, ConfirmOverpayment):
        raise ApiProblem(409, "Overpayment needs confirming", "The amount is more than the milestone's "
                         "outstanding; send allow_overpayment: true to record it.",
                         milestone_id=outcome.target.milestone.id, excess=plain(outcome.excess))
    if isinstance(outcome, AlreadyRecorded):
        payment = outcome.payment
        return 200, {"payment": payment_item(payment, project.id), "already_recorded": True,
                     "milestone": await _milestone_state(call, project.id, payment.payment_milestone_id)}
    await announce_recorded(ctx, outcome)
    after = outcome.after
    return 201, {"payment": payment_item(outcome.payment, project.id), "already_recorded": False,
                 "milestone": {"id": after.milestone.id, "name": after.milestone.name,
                               "amount": plain(after.milestone.amount), "paid": plain(after.paid),
                               "outstanding": plain(after.outstanding), "settled": after.settled}}


async def _milestone_state(call: Call, project_id: int, milestone_id: int) -> dict[str, Any]:
    rows = await receivables(call.tx, unpaid_only=False, project_ids=[project_id])
    row = next(r for r in rows if r.milestone.id == milestone_id)
    return {"id": row.milestone.id, "name": row.milestone.name, "amount": plain(row.milestone.amount),
            "paid": plain(row.paid), "outstanding": plain(row.outstanding), "settled": row.settled}
