"""Customer-facing places, and the customer form of live cards.

A chat is customer-facing when it is bound as a project's customer group, or when it is the
direct chat of someone who is only ever on the customer side (domain/tickets/visibility.py).
A live card whose area declares a customer view (card view "<kind>.customer") is posted there
in that form: a ticket card without the site team's buttons. Both forms are redrawn together
when the card changes (`forms`), so each copy keeps its audience's form."""
from __future__ import annotations

from typing import Collection

from domain.enums import Audience
from domain.store.uow import Tx
from domain.tickets.visibility import customer_projects
from handlers.chat.contract import Target

CUSTOMER = ".customer"


def customer_form(card_key: str) -> str:
    """"ticket:12" -> "ticket.customer:12" (the same card, as the customer sees it)."""
    kind, _, ident = card_key.partition(":")
    return f"{kind}{CUSTOMER}:{ident}"


def has_customer_form(card_key: str, views: Collection[str]) -> bool:
    kind = card_key.partition(":")[0]
    return not kind.endswith(CUSTOMER) and f"{kind}{CUSTOMER}" in views


def forms(card_key: str, views: Collection[str]) -> tuple[str, ...]:
    """Every form of a live card whose posted copies a change redraws."""
    return (card_key, customer_form(card_key)) if has_customer_form(card_key, views) else (card_key,)


async def customer_facing(tx: Tx, target: Target) -> bool:
    """Whether what is posted to `target` is read by the customer."""
    if target.kind == "chat":
        binding = await tx.projects.binding(target.platform, target.id)
        return binding is not None and binding.audience == Audience.CUSTOMER.value
    person = await tx.people.by_identity(target.platform, target.id)
    return person is not None and await customer_projects(tx, person) is not None
