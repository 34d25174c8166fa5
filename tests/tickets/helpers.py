"""Shared steps of the ticket tests: report over the console, run the SLA scan, read what
happened from the database."""
from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from bot import keys
from domain.store.models import AuditEntry, ScheduledRun, Ticket, TicketEvent
from handlers.tickets.jobs import scan

SITE, OWNER = "p001-site", "p001-owner"
REPORT = "报修 5号楼3层卫生间渗水，比较急"     # high, 质量 -> 赵质检


async def report(console, text: str = REPORT, user: str = "u-li") -> dict[str, Any]:  # noqa: ANN001
    await console.say(user, SITE, text)
    return await console.last_bot(SITE)


async def run_scan(console) -> int:  # noqa: ANN001
    performed = await scan(console.app[keys.JOBS])
    await console.deliver()
    return performed


async def ticket(console, ticket_id: int = 1) -> Ticket:  # noqa: ANN001
    async with console.app[keys.STORE].transaction() as tx:
        return await tx.tickets.get(ticket_id)


async def event_kinds(console, ticket_id: int = 1) -> list[str]:  # noqa: ANN001
    async with console.app[keys.STORE].transaction() as tx:
        return [e.kind for e in await tx.tickets.events(ticket_id, limit=100)]


async def events(store, ticket_id: int = 1) -> list[TicketEvent]:  # noqa: ANN001
    async with store.transaction() as tx:
        return list(await tx.session.scalars(
            select(TicketEvent).where(TicketEvent.ticket_id == ticket_id).order_by(TicketEvent.id)))


async def audit_actions(console) -> list[str]:  # noqa: ANN001
    async with console.app[keys.STORE].transaction() as tx:
        return list(await tx.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


async def claims(store) -> int:  # noqa: ANN001
    async with store.transaction() as tx:
        return await tx.session.scalar(select(func.count()).select_from(ScheduledRun))


async def texts(console, chat: str, user: str) -> list[str]:  # noqa: ANN001
    return [m["body"]["text"] for m in await console.bot_messages(chat, user)
            if m["body"]["type"] == "text"]


async def cards(console, chat: str, user: str) -> list[dict[str, Any]]:  # noqa: ANN001
    return [m for m in await console.bot_messages(chat, user) if m["body"]["type"] == "card"]


def labels(message: dict[str, Any]) -> list[str]:
    return [a["label"] for a in message["body"]["actions"]]
