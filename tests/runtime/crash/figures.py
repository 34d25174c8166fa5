"""What a crash run found, per edge: each acknowledged shot's effect in the database (its inbound
record, and its ticket or its press's 接单) and its replies at the platform's fake."""
from __future__ import annotations

import asyncio
import collections
import time
from dataclasses import dataclass, field

from sqlalchemy import func, select

from domain.store.engine import make_engine
from domain.store.inbox import Inbox
from domain.store.models import InboundEvent, InboxEvent, OutboxMessage, Ticket, TicketEvent
from domain.store.repos.outbox import PENDING, SENDING
from tests.runtime.crash.shots import Edge, Shot


@dataclass
class Figures:
    acknowledged: int = 0
    resent: int = 0              # sends repeated after the restart that the platform absorbed
    without_effect: list[str] = field(default_factory=list)
    without_reply: list[str] = field(default_factory=list)
    effect_twice: list[str] = field(default_factory=list)
    sent_twice: list[str] = field(default_factory=list)

    def line(self) -> dict[str, int]:
        return {"acknowledged": self.acknowledged, "without_effect": len(self.without_effect),
                "without_reply": len(self.without_reply), "effect_twice": len(self.effect_twice),
                "sent_twice": len(self.sent_twice), "resent_absorbed": self.resent}


async def wait_for_replies(db_url: str, edges: list[Edge], acked: dict[str, list[Shot]],
                           limit: float) -> str:
    """Until every acknowledged shot has its reply, or sitebot has nothing left to do (no
    inbox row, no outbox row waiting or being sent) for two looks in a row. Returns what was
    still in hand if `limit` seconds ran out first ("" when they did not)."""
    started, waiting, idle = time.monotonic(), None, 0
    while True:
        for edge in edges:
            await edge.refresh(db_url)
        left = {edge.name: sum(not edge.replies()[s.key] for s in acked[edge.name]) for edge in edges}
        if left != waiting:
            print(f"{time.monotonic() - started:5.1f} s after the restart, still without a reply:", left)
            waiting = left
        if not any(left.values()):
            await asyncio.sleep(1.0)   # a second copy would come right after the first
            for edge in edges:
                await edge.refresh(db_url)
            return ""
        in_hand_now = await in_hand(db_url)
        idle = idle + 1 if not any(in_hand_now.values()) else 0
        if idle >= 2:
            return ""
        if time.monotonic() > started + limit:
            return f"still in hand after {limit:.0f} s: {in_hand_now}"
        await asyncio.sleep(0.5)


async def in_hand(db_url: str) -> dict[str, int]:
    """Events sitebot stored but has not handled, and messages it has not sent yet."""
    engine = make_engine(db_url)
    inbox = await Inbox.open(engine, db_url)
    try:
        async with inbox.engine.connect() as conn:
            events = await conn.scalar(select(func.count()).select_from(InboxEvent))
        async with engine.connect() as conn:
            messages = await conn.scalar(select(func.count()).select_from(OutboxMessage)
                                         .where(OutboxMessage.status.in_((PENDING, SENDING))))
    finally:
        await inbox.close()
        await engine.dispose()
    return {"inbox": events, "outbox": messages}


async def count(db_url: str, edges: list[Edge], acked: dict[str, list[Shot]]) -> dict[str, Figures]:
    """Each edge's figures: an acknowledged shot without its inbound record or its ticket (its
    接单) has no effect; one whose marker is in two tickets (two 接单) had it twice."""
    engine = make_engine(db_url)
    try:
        async with engine.connect() as conn:
            recorded = {tuple(row) for row in await conn.execute(
                select(InboundEvent.platform, InboundEvent.event_id))}
            descriptions = list(await conn.scalars(select(Ticket.description)))
            accepted = collections.Counter(dict((await conn.execute(
                select(TicketEvent.ticket_id, func.count()).where(TicketEvent.kind == "accepted")
                .group_by(TicketEvent.ticket_id))).all()))
    finally:
        await engine.dispose()
    figures = {}
    for edge in edges:
        replies = edge.replies()
        mine = Figures(acknowledged=len(acked[edge.name]), resent=edge.resent())
        for shot in acked[edge.name]:
            if shot.marker is not None:
                effects = sum(shot.marker in text for text in descriptions)
            else:
                effects = accepted[shot.ticket]
            if (edge.platform, shot.key) not in recorded or effects == 0:
                mine.without_effect.append(shot.key)
            if effects > 1:
                mine.effect_twice.append(shot.key)
            if not replies[shot.key]:
                mine.without_reply.append(shot.key)
            if replies[shot.key] > 1:
                mine.sent_twice.append(shot.key)
        figures[edge.name] = mine
    return figures
