"""What a transaction has looked up already: who an identity is, which project a chat is
bound to, a person's roles on a project. Every event asks these, often more than once (the
dispatcher, then the access check, then the use case), and a batch of events asks them again
for the same people and chats.

The entries hold the same objects the session holds, so a change made through them is seen.
What a lookup could miss is a row added or removed in this transaction: the unit of work
(`Tx.add`, `Tx.delete`) forgets the kinds an added or deleted entity can change, and a rolled
back savepoint forgets everything (what was read inside it may be gone)."""
from __future__ import annotations

from typing import Any, Callable

from domain.store.models import ChatBinding, Identity, Person, ProjectMember

IDENTITY, BINDING, ROLES = "identity", "binding", "roles"

# entity type -> the kinds of lookup an added or deleted row of it can change
_CHANGES = {Identity: (IDENTITY,), Person: (IDENTITY,), ChatBinding: (BINDING,),
            ProjectMember: (ROLES,)}
_MISSING = object()


class Memo:
    def __init__(self) -> None:
        self._kinds: dict[str, dict[Any, Any]] = {}

    def get(self, kind: str, key: Any) -> Any:
        """The remembered value, or `MISSING`."""
        return self._kinds.get(kind, {}).get(key, _MISSING)

    def put(self, kind: str, key: Any, value: Any) -> Any:
        self._kinds.setdefault(kind, {})[key] = value
        return value

    def forget_for(self, entity: object) -> None:
        for kind in _CHANGES.get(type(entity), ()):
            self._kinds.pop(kind, None)

    def clear(self) -> None:
        self._kinds.clear()


MISSING = _MISSING


async def remembered(memo: Memo | None, kind: str, key: Any,
                     lookup: Callable[[], Any]) -> Any:
    """`await lookup()` once per transaction for `key` (every time when there is no memo)."""
    if memo is None:
        return await lookup()
    found = memo.get(kind, key)
    if found is MISSING:
        found = memo.put(kind, key, await lookup())
    return found
