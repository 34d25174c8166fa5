"""Satisfaction after closing: a 1–5 score with an optional comment, kept per ticket (with
its project and assignee, so results add up per project and per person)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.access import Action, require
from domain.errors import InvalidInput, NotFound
from domain.store.models import Person, TicketSurvey
from domain.store.uow import Tx
from domain.tickets.records import Origin, existing, record

COMMENT_MAX = 500


async def _survey(tx: Tx, actor: Person, ticket_id: int) -> TicketSurvey:
    survey = await tx.tickets.survey(ticket_id)
    if survey is None:
        raise NotFound("error.survey_not_found", number=f"T-{ticket_id}")
    await require(tx, actor, Action.RATE_TICKET, owner_id=survey.respondent_id)
    return survey


async def rate(tx: Tx, actor: Person, ticket_id: int, score: int, now: datetime,
               origin: Origin) -> bool:
    """True when the score was recorded now; False for the same score again."""
    if score not in range(1, 6):
        raise InvalidInput("error.survey_score")
    survey = await _survey(tx, actor, ticket_id)
    if survey.score == score:
        return False
    survey.score, survey.answered_at = score, now
    record(tx, await existing(tx, ticket_id), actor, "rated", now, origin, {"score": score})
    await tx.flush()
    return True


async def comment(tx: Tx, actor: Person, ticket_id: int, text: str, now: datetime,
                  origin: Origin) -> TicketSurvey:
    text = text.strip()
    if not text:
        raise InvalidInput("error.survey_comment")
    survey = await _survey(tx, actor, ticket_id)
    survey.comment, survey.answered_at = text[:COMMENT_MAX], survey.answered_at or now
    record(tx, await existing(tx, ticket_id), actor, "commented", now, origin, {"length": len(text)})
    await tx.flush()
    return survey


@dataclass(frozen=True)
class Score:
    count: int
    average: float | None


def summary(surveys: list[TicketSurvey]) -> Score:
    scores = [s.score for s in surveys if s.score is not None]
    return Score(len(scores), round(sum(scores) / len(scores), 2) if scores else None)
