"""E-mail beside chat (issue 20): what a job sends a customer's contacts in chat (the daily
digest, a payment reminder) also goes, as the same card, to contacts who gave an address and
asked for e-mail (`contacts.wants_email`, set by the customer import's 邮件接收 column). An
outbox row like any other, under the job's once-only key, on the channel "email" (its adapter
is bot/email/adapter.py)."""
from __future__ import annotations

from dataclasses import replace
from typing import Callable

from handlers.chat.answer import Answer
from handlers.chat.cards import Card
from handlers.chat.contract import Target

EMAIL = "email"   # the outbox channel


async def email_contacts(answer: Answer, customer_id: int | None, body: Callable[[str], Card],
                         key: str) -> int:
    """Queue the card for each contact of the customer who wants e-mail; how many."""
    if customer_id is None:
        return 0
    queued = 0
    for contact in await answer.tx.customers.contacts_of(customer_id):
        if not (contact.wants_email and contact.email and "@" in contact.email):
            continue
        person = await answer.tx.people.get(contact.person_id) if contact.person_id else None
        locale = (person.locale if person else None) or answer.deps.default_locale
        # Without its card_key: a sent e-mail is never redrawn, so no later change follows it.
        answer.post(Target(EMAIL, "user", contact.email.strip()), replace(body(locale), card_key=None),
                    f"{key}:{contact.id}", locale)
        queued += 1
    return queued
