"""One scheduled effect: its transaction, its moment and key, and what it says (`Effect`, the
answering object jobs share with handlers). Effects performed in a batch also get `Known`:
chat bindings and identities the batch read once for all of them."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Awaitable, Callable

from domain.store.models import ChatBinding, Identity, Person
from handlers.chat.answer import Answer, BodyFor
from handlers.chat.cards import Card


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

    async def _bindings(self, project_id: int) -> list:
        known = self.known.bindings.get(project_id)
        return known if known is not None else await super()._bindings(project_id)

    async def _identities(self, person_id: int) -> list:
        known = self.known.identities.get(person_id)
        return known if known is not None else await super()._identities(person_id)


Work = Callable[[Effect], Awaitable[None]]
