"""Sales figures (销售漏斗): the open funnel by stage (count and amount), how opportunities
move on from each stage, the win rate and the days a win takes.

The funnel of a past day is rebuilt from the moves the audit log keeps (opportunity.move,
from → to): an opportunity stood at the stage its last move before then took it to; with no
move before then, at the stage its first later move started from, or — never moved — at the
stage it is at now (opportunities imported straight into a stage)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Sequence

from domain.customers.funnel import OPEN_STAGES, Stage
from domain.reports.periods import Period
from domain.reports.stats import mean, money, percent
from domain.store.repos.reports import MoveRow, OpportunityRow

_ORDER = {stage.value: index for index, stage in enumerate((*OPEN_STAGES, Stage.WON))}


def stage_at(opportunity: OpportunityRow, moves: Sequence[MoveRow], moment: datetime) -> str | None:
    """The stage it stood at, at `moment`; None if it did not exist yet. `moves`: its own,
    oldest first."""
    if opportunity.created_at >= moment:
        return None
    before = [m for m in moves if m.at < moment]
    if before:
        return str(before[-1].data.get("to"))
    if moves:
        return str(moves[0].data.get("from"))
    return opportunity.stage


def moved_on(move: MoveRow) -> bool | None:
    """True: the opportunity went forward (a later stage, or won); False: it was lost; None:
    not a move out of an open stage."""
    source, target = move.data.get("from"), move.data.get("to")
    if source not in _ORDER or source == Stage.WON.value:
        return None
    if target == Stage.LOST.value:
        return False
    return _ORDER.get(target, -1) > _ORDER[source]


@dataclass(frozen=True)
class SalesFigures:
    funnel: dict[str, int]                    # open stage -> opportunities at it (period end)
    funnel_amount: dict[str, Decimal]
    conversion: dict[str, float | None]       # open stage -> % of those leaving it that went on
    created: int
    won: int
    lost: int
    won_amount: Decimal
    win_rate: float | None                    # won / (won + lost), closed in the period
    days_to_win: float | None                 # average, created -> won, of those won


def sales_figures(opportunities: Sequence[OpportunityRow], moves: Sequence[MoveRow],
                  period: Period) -> SalesFigures:
    own: dict[int, list[MoveRow]] = {}
    for move in moves:
        own.setdefault(int(move.opportunity_id), []).append(move)
    funnel = {stage.value: 0 for stage in OPEN_STAGES}
    amounts = {stage.value: Decimal("0.00") for stage in OPEN_STAGES}
    for opportunity in opportunities:
        stage = stage_at(opportunity, own.get(opportunity.id, []), period.end)
        if stage in funnel:
            funnel[stage] += 1
            amounts[stage] += opportunity.amount or Decimal("0")
    went_on = {stage.value: [0, 0] for stage in OPEN_STAGES}   # [forward, lost]
    for move in moves:
        if period.holds(move.at):
            forward = moved_on(move)
            if forward is not None:
                went_on[move.data["from"]][0 if forward else 1] += 1
    closed = [o for o in opportunities if period.holds(o.closed_at)]
    won = [o for o in closed if o.stage == Stage.WON.value]
    lost = [o for o in closed if o.stage == Stage.LOST.value]
    return SalesFigures(
        funnel=funnel, funnel_amount={k: money([v]) for k, v in amounts.items()},
        conversion={stage: percent(f, f + lost_) for stage, (f, lost_) in went_on.items()},
        created=sum(1 for o in opportunities if period.holds(o.created_at)),
        won=len(won), lost=len(lost), won_amount=money(o.amount or Decimal("0") for o in won),
        win_rate=percent(len(won), len(won) + len(lost)),
        days_to_win=mean([(o.closed_at - o.created_at).total_seconds() / 86400 for o in won]))
