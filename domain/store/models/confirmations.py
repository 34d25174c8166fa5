"""A question asked before a big effect (issue 16): 绑定 of a chat bound to another project.
Answered by its card's 确认 / 取消, or by typing 确认 in the same chat; settled once."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from domain.store.base import Base


class ChatConfirmation(Base):
    __tablename__ = "chat_confirmations"
    # Typed 确认: the person's latest open question in this chat.
    __table_args__ = (Index("ix_chat_confirmations_asked", "person_id", "platform", "chat_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"))
    platform: Mapped[str] = mapped_column(String(20))
    chat_id: Mapped[str] = mapped_column(String(128))
    kind: Mapped[str] = mapped_column(String(40))          # e.g. "rebind"
    value: Mapped[dict[str, Any]] = mapped_column(default=dict)
    asked_at: Mapped[datetime]
    answer_by: Mapped[datetime]
    settled: Mapped[str | None] = mapped_column(String(10), default=None)   # confirmed | cancelled
    settled_at: Mapped[datetime | None] = mapped_column(default=None)
