"""What the running parts report as they work, for monitoring: a port with no Prometheus in it.

The inbound pipeline, the delivery worker and the scheduler call an `Observer`; the composition
root hands them the Prometheus one (bot/metrics.py), everything else gets `NO_OBSERVER`. So the
code that handles events and sends messages never imports prometheus_client (an import-linter
contract in pyproject.toml keeps it that way).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from handlers.chat.contract import Inbound, Target


class Observer(Protocol):
    def inbound(self, platform: str, outcome: str) -> None:
        """A platform's callback was answered: accepted, refused, busy or error."""

    def handled(self, event: "Inbound", outcome: str, seconds: float) -> None:
        """A stored event was handled (done or duplicate) in `seconds`."""

    def sent(self, target: "Target", op: str, result: str, seconds: float) -> None:
        """A send or card update (`op`) ended: ok, rate_limited, transient, refused or error."""

    def deferred(self, platform: str) -> None:
        """A send was put back because one of its rate-limit windows was full."""

    def job_ran(self, job: str, outcome: str, seconds: float) -> None:
        """A scheduled job's pass ended (ok or failed) after `seconds`."""


class NoObserver:
    """Reports nowhere (tests of single parts, the CLI)."""

    def inbound(self, platform: str, outcome: str) -> None:
        pass

    def handled(self, event: "Inbound", outcome: str, seconds: float) -> None:
        pass

    def sent(self, target: "Target", op: str, result: str, seconds: float) -> None:
        pass

    def deferred(self, platform: str) -> None:
        pass

    def job_ran(self, job: str, outcome: str, seconds: float) -> None:
        pass


class Observers:
    """Several observers as one (the metrics and the event log)."""

    def __init__(self, *observers: Observer) -> None:
        self.observers = observers

    def inbound(self, platform: str, outcome: str) -> None:
        for observer in self.observers:
            observer.inbound(platform, outcome)

    def handled(self, event: "Inbound", outcome: str, seconds: float) -> None:
        for observer in self.observers:
            observer.handled(event, outcome, seconds)

    def sent(self, target: "Target", op: str, result: str, seconds: float) -> None:
        for observer in self.observers:
            observer.sent(target, op, result, seconds)

    def deferred(self, platform: str) -> None:
        for observer in self.observers:
            observer.deferred(platform)

    def job_ran(self, job: str, outcome: str, seconds: float) -> None:
        for observer in self.observers:
            observer.job_ran(job, outcome, seconds)


NO_OBSERVER: Observer = NoObserver()
