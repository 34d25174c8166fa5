"""Shared steps for the progress tests: photos through the console, the store, the jobs."""
from __future__ import annotations

import struct
import uuid
import zlib
from datetime import date, timedelta
from typing import Any

from bot import keys
from domain.store.models import Milestone, OutboxMessage
from sqlalchemy import select

SITE, OWNER = "p001-site", "p001-owner"


def png(colour: tuple[int, int, int] = (200, 80, 40)) -> bytes:
    """A real 2×2 PNG (so the browser can draw it)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    raw = b"".join(b"\x00" + bytes(colour) * 2 for _ in range(2))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


async def upload(console, data: bytes | None = None) -> str:  # noqa: ANN001
    from aiohttp import FormData
    form = FormData()
    form.add_field("file", data or png(), filename="site.png", content_type="image/png")
    response = await console.client.post("/console/api/upload", data=form)
    assert response.status == 200, await response.text()
    return (await response.json())["ref"]


async def say_with_photos(console, user: str, chat: str, text: str, photos: int) -> None:  # noqa: ANN001
    refs = [await upload(console, png((40 * i % 255, 120, 200))) for i in range(photos)]
    response = await console.client.post("/console/api/messages", json={
        "user": user, "chat": chat, "text": text, "event_id": uuid.uuid4().hex,
        "attachments": [{"kind": "image", "ref": ref} for ref in refs]})
    assert response.status == 200, await response.text()
    await console.deliver()


async def edit_milestone(app, code: str, name: str, **values: Any) -> None:  # noqa: ANN001
    async with app[keys.STORE].transaction() as tx:
        project = await tx.projects.by_code(code)
        milestone = next(m for m in await tx.projects.milestones(project.id) if m.name == name)
        for key, value in values.items():
            setattr(milestone, key, value)


async def milestone(app, code: str, name: str) -> Milestone:  # noqa: ANN001
    async with app[keys.STORE].transaction() as tx:
        project = await tx.projects.by_code(code)
        return next(m for m in await tx.projects.milestones(project.id) if m.name == name)


async def outbox_rows(store, prefix: str) -> list[OutboxMessage]:  # noqa: ANN001
    async with store.transaction() as tx:
        rows = await tx.session.scalars(select(OutboxMessage).where(
            OutboxMessage.idempotency_key.like(f"{prefix}%")).order_by(OutboxMessage.id))
        return list(rows)


def local_today(clock) -> date:  # noqa: ANN001
    from zoneinfo import ZoneInfo
    return clock().astimezone(ZoneInfo("Asia/Shanghai")).date()


def days(n: int) -> timedelta:
    return timedelta(days=n)
