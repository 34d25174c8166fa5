"""Reads and writes of the open API's tables: tokens and stored idempotent answers."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.store.models import ApiIdempotency, ApiToken, Person


class IntegrationsRepo:
    """Not on Tx (its file belongs to the store's kernel): built on a Tx's session where needed."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def token_by_hash(self, secret_hash: str) -> ApiToken | None:
        return (await self.session.execute(
            select(ApiToken).where(ApiToken.secret_hash == secret_hash))).scalar_one_or_none()

    async def token_by_name(self, name: str) -> ApiToken | None:
        return (await self.session.execute(
            select(ApiToken).where(ApiToken.name == name))).scalar_one_or_none()

    async def tokens(self) -> list[tuple[ApiToken, str]]:
        """Every token with the name of the person it acts as, oldest first."""
        rows = await self.session.execute(
            select(ApiToken, Person.name).join(Person, Person.id == ApiToken.person_id)
            .order_by(ApiToken.id))
        return [(token, name) for token, name in rows]

    def add(self, entity: object) -> None:
        self.session.add(entity)

    async def flush(self) -> None:
        await self.session.flush()

    async def touch(self, token_id: int, now: datetime) -> None:
        await self.session.execute(update(ApiToken).where(ApiToken.id == token_id)
                                   .values(last_used_at=now))

    async def idempotent(self, token_id: int, key: str) -> ApiIdempotency | None:
        return (await self.session.execute(
            select(ApiIdempotency).where(ApiIdempotency.token_id == token_id,
                                         ApiIdempotency.key == key))).scalar_one_or_none()

    def remember(self, token_id: int, key: str, request_hash: str, status: int,
                 body: dict[str, Any], now: datetime) -> None:
        self.session.add(ApiIdempotency(token_id=token_id, key=key, request_hash=request_hash,
                                        status=status, body=body, created_at=now))
