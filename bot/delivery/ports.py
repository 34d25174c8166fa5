"""What a platform adapter offers the delivery worker, and how it reports trouble."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from handlers.chat.cards import Card
from handlers.chat.contract import Target, Text


@dataclass(frozen=True)
class Sent:
    message_id: str
    handle: dict[str, Any] = field(default_factory=dict)  # e.g. WeCom response_code, for updates


@dataclass(frozen=True)
class PostRef:
    """A message we posted earlier and now want to change."""
    target: Target
    message_id: str
    handle: dict[str, Any] = field(default_factory=dict)


class DeliveryError(Exception):
    """Base: a send failed. `retry_after` (seconds) when the platform said when to come back."""

    retryable = True

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class TransientError(DeliveryError):
    """5xx, timeout, connection reset: try again with backoff."""


class RateLimited(DeliveryError):
    """The platform asked us to slow down; does not count as a failed attempt."""


class PermanentError(DeliveryError):
    """Bad request, bot not in the chat, unknown user: retrying will not help."""

    retryable = False


class Adapter(Protocol):
    platform: str

    async def send(self, target: Target, body: Text | Card, *, idempotency_key: str,
                   reply_to: str | None) -> Sent: ...

    async def update(self, post: PostRef, body: Card) -> Sent | None: ...

    # Optional: def limits(self, target: Target) -> list[tuple[str, int, float]]
    # (limit key, max messages, in any window of this many seconds): the worker never sends
    # more than that to the scope, deferring rows instead.
    # Optional: def dedupes(self, target: Target, body: Text | Card | File, op: str) -> bool
    # whether the platform drops this send ("send" or "update") when it comes again under the
    # same key; when it does not, the worker marks the row before sending and never sends it
    # again after a crash (bot/delivery/handover.py). Without the method: it does.
