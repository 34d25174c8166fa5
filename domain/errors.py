"""Errors the domain raises. Their `key` names a user-safe message in templates/i18n."""
from __future__ import annotations


class DomainError(Exception):
    """A rule said no. `key` selects the wording; `params` fill it in."""

    key = "error.generic"

    def __init__(self, key: str | None = None, **params: object) -> None:
        self.key = key or self.key
        self.params = params
        super().__init__(f"{self.key} {params}" if params else self.key)


class NotFound(DomainError):
    key = "error.not_found"


class NotAllowed(DomainError):
    key = "error.not_allowed"


class InvalidTransition(DomainError):
    key = "error.invalid_transition"


class InvalidInput(DomainError):
    key = "error.invalid_input"


class Conflict(DomainError):
    """Someone else changed the same thing at the same moment; nothing was written."""

    key = "error.conflict"


class StoreBusy(Exception):
    """The database did not answer in time (pool exhausted, locked, connection lost). Nothing
    was written; the same work may simply be tried again later. Not the user's doing, so not
    a DomainError: it is never shown to anyone as a refusal."""
