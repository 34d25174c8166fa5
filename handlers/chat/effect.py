"""One scheduled effect: its transaction, its moment and key, and what it says (`Effect`, the
answering object jobs share with handlers). Effects performed in a batch also get `Known`:
chat bindings and identities the batch read once for all of them."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Awaitable, Callable

from domain.enums import Audience
from domain.store.models import ChatBinding, Identity, Person
from handlers.chat.answer import Answer, Body, BodyFor, direct_identity
from handlers.chat.cards import Card
from handlers.chat.contract import Target


@dataclass
class Known:
    """What a batch read once for all its effects: chat bindings per project, identities per
    person. Whatever is not here is read as usual."""
    bindings: dict[int, list[ChatBinding]] = field(default_factory=dict)
    identities: dict[int, list[Identity]] = field(default_factory=dict)


@dataclass
class Effect(Answer):
    """One scheduled effect's transaction and what it says."""
    now: datetime
    key: str
    known: Known = field(default_factory=Known, kw_only=True)
    # (card key, locale) -> that live card as this effect leaves it, where the effect drew it
    # anyway (after its changes): redrawing its posted copies then needs no second drawing.
    drawn: dict[tuple[str, str], Card | None] = field(default_factory=dict, kw_only=True)

    def t(self, locale: str, key: str, **params: Any) -> str:
        return self.deps.t(locale, key, **params)

    async def notify(self, person: Person, body_for: BodyFor, suffix: str) -> bool:
        """Message a person directly (on their first platform); False if they have none."""
        return await self.tell(person, body_for, f"{suffix}:{person.id}")

    async def post_to_project(self, project_id: int, audience: Audience | None,
                              body_for: BodyFor, key: str) -> int:
        bindings = self.known.bindings.get(project_id)
        if bindings is None:
            return await super().post_to_project(project_id, audience, body_for, key)
        count = 0
        for binding in bindings:   # as Answer.post_to_project, from what the batch read
            if audience is not None and binding.audience != audience.value:
                continue
            locale = self.deps.default_locale
            self.post(Target(binding.platform, "chat", binding.chat_id), body_for(locale),
                      f"{key}:{binding.platform}:{binding.chat_id}", locale)
            count += 1
        return count

    async def tell(self, person: Person, body: Body | BodyFor, key: str,
                   prefer: str | None = None) -> bool:
        identities = self.known.identities.get(person.id)
        if identities is None:
            return await super().tell(person, body, key, prefer)
        identity = direct_identity(identities, prefer)   # as Answer.tell, from what the batch read
        if identity is None:
            return False
        locale = person.locale or self.deps.default_locale
        self.post(Target(identity.platform, "user", identity.external_id),
                  body(locale) if callable(body) else body, key, locale)
        return True


Work = Callable[[Effect], Awaitable[None]]
