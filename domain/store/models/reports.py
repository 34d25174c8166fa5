"""What reports keep beyond the business tables: the NPS answers of customer contacts (kept
like the ticket survey: one row per card sent, the score once answered), and the last state
seen of each watched project or customer, so an early warning goes out when it turns."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from domain.store.base import Base


class NpsSurvey(Base):
    """"How likely are you to recommend us?" 0–10, asked of one customer contact on one
    occasion ("milestone:12" when a milestone was reached, "quarter:2026-Q4")."""

    __tablename__ = "nps_surveys"
    __table_args__ = (UniqueConstraint("occasion", "respondent_id"),
                      Index("ix_nps_surveys_sent_at", "sent_at"),
                      Index("ix_nps_surveys_answered_at", "answered_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    occasion: Mapped[str] = mapped_column(String(60))
    respondent_id: Mapped[int] = mapped_column(ForeignKey("persons.id"))
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"), index=True)
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id"))
    score: Mapped[int | None]          # 0..10, None until answered
    comment: Mapped[str | None] = mapped_column(String(1000))
    sent_at: Mapped[datetime]
    answered_at: Mapped[datetime | None]


class ReportWatch(Base):
    """The state a watched subject ("project:12" late / ok, "customer:5" at_risk / ok) was last
    seen in. `episodes` counts the turns to the bad state: the warning of turn n is claimed
    under a key with n in it, so it goes out once however many processes look."""

    __tablename__ = "report_watch"

    id: Mapped[int] = mapped_column(primary_key=True)
    subject: Mapped[str] = mapped_column(String(60), unique=True)
    state: Mapped[str] = mapped_column(String(20))
    episodes: Mapped[int] = mapped_column(default=0)
    changed_at: Mapped[datetime]


class ServerSecret(Base):
    """A secret every process on this database shares (the link secret when the environment
    gives none), made once by whichever process needs it first (bot/pages/secret.py)."""

    __tablename__ = "server_secrets"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime]
