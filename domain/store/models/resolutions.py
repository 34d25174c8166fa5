"""What was done about a ticket (issue 16): each 已解决 asks the resolver for a note and/or
photos; the person confirming reads them on the card before pressing 确认解决."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from domain.store.base import Base


class TicketResolution(Base):
    """One resolution of a ticket (a reopened ticket resolved again gets another row).
    `state`: asked (the next message or photo of the resolver in `chat_id`, before
    `answer_by`, is the note), given, skipped (the resolver said 跳过), expired (nothing came)."""
    __tablename__ = "ticket_resolutions"
    # The read every unmatched message makes: is this person being asked for a note?
    __table_args__ = (Index("ix_ticket_resolutions_resolver_state", "resolver_id", "state"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    resolver_id: Mapped[int] = mapped_column(ForeignKey("persons.id"))
    platform: Mapped[str] = mapped_column(String(20))
    chat_id: Mapped[str] = mapped_column(String(128))
    asked_at: Mapped[datetime]
    answer_by: Mapped[datetime]
    state: Mapped[str] = mapped_column(String(10), default="asked")
    note: Mapped[str | None] = mapped_column(String(1000), default=None)
    photos: Mapped[int] = mapped_column(default=0)
