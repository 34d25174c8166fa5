"""Queries behind questions asked before a big effect (domain/confirmations.py). Bound to a
transaction by `confirmations_repo(tx)`."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.store.models.confirmations import ChatConfirmation

if TYPE_CHECKING:
    from domain.store.uow import Tx


class ConfirmationsRepo:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def open_in(self, person_id: int, platform: str, chat_id: str,
                      now: datetime) -> list[ChatConfirmation]:
        """This person's unanswered questions in this chat, newest first."""
        return list(await self.session.scalars(
            select(ChatConfirmation).where(ChatConfirmation.person_id == person_id,
                                           ChatConfirmation.platform == platform,
                                           ChatConfirmation.chat_id == chat_id,
                                           ChatConfirmation.settled.is_(None),
                                           ChatConfirmation.answer_by > now)
            .order_by(ChatConfirmation.id.desc())))

    async def locked(self, confirmation_id: int) -> ChatConfirmation | None:
        """The row, locked against a concurrent answer (FOR UPDATE; SQLite serializes writers)."""
        return await self.session.scalar(
            select(ChatConfirmation).where(ChatConfirmation.id == confirmation_id)
            .with_for_update().execution_options(populate_existing=True))


def confirmations_repo(tx: "Tx") -> ConfirmationsRepo:
    return ConfirmationsRepo(tx.session)
