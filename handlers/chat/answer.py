"""The answering object handlers (`Ctx`) and scheduled effects (`Effect`) share: post to a
chat or a person, tell a person directly, say that a live card changed. Everything said lands
in `reply`, which the caller turns into outbox rows in the same transaction."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable

from domain.enums import Audience
from domain.store.models import Person, Identity
from domain.store.uow import Tx
from handlers.chat.audience import forms
from handlers.chat.cards import Card
from handlers.chat.contract import Outgoing, Reply, Target, Text

if TYPE_CHECKING:
    from handlers.chat.context import Deps

Body = Card | Text
BodyFor = Callable[[str], Body]   # builds the message in a given locale


def direct_identity(identities: list[Identity], prefer: str | None) -> Identity | None:
    """The one rule for where a direct message to a person goes: on the platform the
    conversation is on when they are on it, else on the first platform they were added on."""
    if not identities:
        return None
    return next((i for i in identities if i.platform == prefer), identities[0])


@dataclass
class Answer:
    tx: Tx
    deps: "Deps"
    reply: Reply = field(default_factory=Reply, kw_only=True)

    def post(self, target: Target, body: Body, key: str | None, locale: str | None = None,
             reply_to: str | None = None) -> None:
        """`key` makes the outbox row's idempotency key unique within this effect."""
        self.reply.messages.append(Outgoing(target, body, reply_to,
                                            locale or self.deps.default_locale, key))

    async def post_to_project(self, project_id: int, audience: Audience | None,
                              body_for: BodyFor, key: str) -> int:
        """Post to every chat bound to the project (optionally only one audience). Returns
        how many chats."""
        count = 0
        for binding in await self._bindings(project_id):
            if audience is not None and binding.audience != audience.value:
                continue
            locale = self.deps.default_locale
            self.post(Target(binding.platform, "chat", binding.chat_id), body_for(locale),
                      f"{key}:{binding.platform}:{binding.chat_id}", locale)
            count += 1
        return count

    async def tell(self, person: Person, body: Body | BodyFor, key: str,
                   prefer: str | None = None) -> bool:
        """Message a person directly (see `direct_identity`), in their language. False when
        they have no identity anywhere (then the caller says so)."""
        identity = direct_identity(await self._identities(person.id), prefer)
        if identity is None:
            return False
        locale = person.locale or self.deps.default_locale
        self.post(Target(identity.platform, "user", identity.external_id),
                  body(locale) if callable(body) else body, key, locale)
        return True

    async def _bindings(self, project_id: int) -> list:
        """The chats bound to a project (a batch overrides this with what it read once)."""
        return await self.tx.projects.bindings(project_id=project_id)

    async def _identities(self, person_id: int) -> list:
        """A person's platform identities (a batch overrides this with what it read once)."""
        return await self.tx.people.identities_of(person_id)

    def changed(self, card_key: str) -> None:
        """The state behind a live card changed: every posted copy will be redrawn, those in
        customer-facing chats in their customer form (handlers/chat/audience.py)."""
        for key in forms(card_key, self.deps.card_views):
            if key not in self.reply.changed_cards:
                self.reply.changed_cards.append(key)
