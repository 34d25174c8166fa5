"""The NPS card a customer contact gets (0–10 buttons; `推荐 8 意见` by text does the same, for
platforms that show fewer buttons), its live view, and the answer."""
from __future__ import annotations

import re

from domain.errors import InvalidInput
from domain.reports import nps
from domain.store.uow import Tx
from handlers.chat.cards import Button, Card, Markdown, Note
from handlers.chat.context import Ctx, Deps

_ANSWER = re.compile(r"^(\d{1,2})(?:\s*分)?(?:\s+(.+))?$", re.S)


def nps_key(survey_id: int) -> str:
    return f"nps:{survey_id}"


async def nps_card(tx: Tx, deps: Deps, ident: str, locale: str) -> Card | None:
    survey = await tx.reports.state.nps(int(ident)) if ident.isdigit() else None
    if survey is None:
        return None
    project = await tx.projects.get(survey.project_id) if survey.project_id else None
    t = lambda key, **p: deps.t(locale, key, **p)  # noqa: E731
    blocks: list = [Markdown(t("nps.body", project=project.name if project else ""))]
    if survey.score is not None:
        blocks.append(Note(t("nps.answered", score=survey.score)))
    buttons = tuple(Button(str(n), "nps.rate", {"s": survey.id, "n": n},
                           "primary" if n == survey.score else "default") for n in nps.SCORES)
    return Card(t("nps.title"), "green" if survey.score is not None else "blue", tuple(blocks), buttons,
                card_key=nps_key(survey.id))


async def on_rate(ctx: Ctx, value: dict) -> None:
    try:
        survey_id, score = int(value["s"]), int(value["n"])
    except (KeyError, TypeError, ValueError):
        raise InvalidInput("error.stale_button") from None
    survey, changed = await nps.answer(ctx.tx, ctx.person, survey_id, score, ctx.now)
    ctx.toast(ctx.t("nps.thanks", score=score) if changed else ctx.t("nps.same"), "success")
    ctx.changed(nps_key(survey.id))


async def recommend(ctx: Ctx, args: str) -> None:
    """推荐 8 [意见] — answers the person's newest NPS card."""
    match = _ANSWER.match(args.strip())
    if match is None:
        raise InvalidInput("nps.usage")
    survey, _ = await nps.answer(ctx.tx, ctx.person, None, int(match.group(1)), ctx.now, match.group(2))
    ctx.say(ctx.t("nps.thanks", score=survey.score))
    ctx.changed(nps_key(survey.id))
