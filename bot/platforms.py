"""The platforms sitebot speaks, as one table. A new platform is its own package under bot/
(edge, verify, events, cards, api, adapter, config) plus one row here.

Only names are kept here, so reading the table imports no platform: an edge's package (and
what it needs) is imported only when its platform is enabled.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Platform:
    name: str     # settings section and the `platform` of every event and outbox row
    switch: str   # the setting whose presence enables it
    edge: str     # "module:Class" of its edge
    config: str   # module whose ENV_KEYS maps its environment variables to its settings


PLATFORMS: tuple[Platform, ...] = (
    Platform("feishu", "app_id", "bot.feishu.edge:FeishuEdge", "bot.feishu.config"),
    Platform("wecom", "corp_id", "bot.wecom.edge:WeComEdge", "bot.wecom.config"),
    Platform("dingtalk", "app_key", "bot.dingtalk.edge:DingTalkEdge", "bot.dingtalk.config"),
)

# Every name a person's account may carry ("wecom:ZhangSan" in an imported sheet): the
# platforms above and the web console.
ACCOUNT_PLATFORMS: frozenset[str] = frozenset(p.name for p in PLATFORMS) | {"console"}
