"""The sales funnel: 初步接触 → 需求分析 → 方案报价 → 谈判签约 → 赢单 / 输单."""
from __future__ import annotations

from enum import StrEnum


class Stage(StrEnum):
    CONTACT = "contact"          # 初步接触
    NEEDS = "needs"              # 需求分析
    PROPOSAL = "proposal"        # 方案报价
    NEGOTIATION = "negotiation"  # 谈判签约
    WON = "won"                  # 赢单
    LOST = "lost"                # 输单


OPEN_STAGES = (Stage.CONTACT, Stage.NEEDS, Stage.PROPOSAL, Stage.NEGOTIATION)
# The probability a stage implies when nobody set one.
PROBABILITY = {Stage.CONTACT: 10, Stage.NEEDS: 30, Stage.PROPOSAL: 50, Stage.NEGOTIATION: 80,
               Stage.WON: 100, Stage.LOST: 0}


def next_stage(stage: Stage) -> Stage | None:
    """The stage after this one, or None from 谈判签约 (then it is won or lost) and when closed."""
    if stage not in OPEN_STAGES or stage is Stage.NEGOTIATION:
        return None
    return OPEN_STAGES[OPEN_STAGES.index(stage) + 1]
