"""Outbound delivery: the outbox worker and the port every platform adapter implements."""
