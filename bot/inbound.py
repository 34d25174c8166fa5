"""The one inbound path every platform edge takes once it has verified and parsed a request.

An edge only verifies (refusing with `Refused`), parses the platform's payload into a neutral
event, calls `InboundPipeline.handle`, and renders the answer the platform expects.
"""
from __future__ import annotations


class Refused(Exception):
    """A request that is not an authentic, readable callback for us. `status` is the HTTP
    answer; `reason` goes to the log only, never back to the caller."""

    def __init__(self, reason: str, status: int = 400) -> None:
        super().__init__(reason)
        self.status, self.reason = status, reason
