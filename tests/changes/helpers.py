"""Shared helpers for the change-request tests: read the store as it is after a flow."""
from __future__ import annotations

from sqlalchemy import func, select

from bot import keys
from domain.store.models import AuditEntry


async def audit_actions(app, subject: str = "C-1") -> list[str]:  # noqa: ANN001
    async with app[keys.STORE].transaction() as tx:
        rows = await tx.session.scalars(select(AuditEntry.action).where(
            AuditEntry.subject_type == "change", AuditEntry.subject_id == subject).order_by(AuditEntry.id))
        return list(rows)


async def count_audit(app, action: str) -> int:  # noqa: ANN001
    async with app[keys.STORE].transaction() as tx:
        return await tx.session.scalar(select(func.count()).select_from(AuditEntry)
                                       .where(AuditEntry.action == action)) or 0


async def texts(console, chat: str, user: str) -> list[str]:  # noqa: ANN001
    return [m["body"]["text"] for m in await console.bot_messages(chat, user)
            if m["body"]["type"] == "text"]


async def cards(console, chat: str, user: str = "u-admin") -> list[dict]:  # noqa: ANN001
    return [m for m in await console.bot_messages(chat, user) if m["body"]["type"] == "card"]
