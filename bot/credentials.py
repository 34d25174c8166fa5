"""Can each enabled platform give us a token with the configured credentials? Asked of the
platform itself through the same API clients the edges use (a fresh client each time, so a
token cached by a running edge cannot hide a secret changed since). `sitebot check` and
`GET /readyz` ask this.
"""
from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime, timezone

import aiohttp

from bot.platforms import PLATFORMS
from bot.settings import Settings

TIMEOUT_SECONDS = 10.0


@dataclass(frozen=True)
class TokenCheck:
    platform: str
    ok: bool
    problem: str = ""   # what the platform (or the network) said, for people


def enabled_platforms(settings: Settings) -> list[str]:
    return [p.name for p in PLATFORMS if settings.platforms.get(p.name, {}).get(p.switch)]


async def check_tokens(settings: Settings) -> list[TokenCheck]:
    """One check per enabled platform, side by side."""
    names = enabled_platforms(settings)
    return list(await asyncio.gather(*(check_token(settings, name) for name in names)))


async def check_token(settings: Settings, platform: str) -> TokenCheck:
    section = settings.platforms.get(platform, {})
    try:
        await asyncio.wait_for(_FETCHERS[platform](section), TIMEOUT_SECONDS)
    except asyncio.TimeoutError:
        return TokenCheck(platform, False, f"no answer within {TIMEOUT_SECONDS:.0f} s")
    except Exception as error:  # the platform's refusal, a config error, the network: all said
        return TokenCheck(platform, False, f"{type(error).__name__}: {error}")
    return TokenCheck(platform, True)


def _now() -> datetime:
    return datetime.now(timezone.utc)


# Each platform's package is imported only when that platform is checked (bot/edges.py's rule).
async def _feishu(section: dict) -> None:
    from bot.feishu.api import FeishuApi
    from bot.feishu.config import FeishuConfig
    api = FeishuApi(FeishuConfig.from_settings(section), timeout=TIMEOUT_SECONDS)
    try:
        await api.tenant_token()
    finally:
        await api.close()


async def _wecom(section: dict) -> None:
    from bot.wecom.api import WeComApi
    from bot.wecom.config import WeComConfig
    config = WeComConfig.from_section(section)
    async with aiohttp.ClientSession() as session:
        await WeComApi(config, session, _now).token()


async def _dingtalk(section: dict) -> None:
    from bot.dingtalk.api import DingTalkApi
    from bot.dingtalk.config import DingTalkConfig
    config = DingTalkConfig.from_section(section)
    async with aiohttp.ClientSession() as session:
        await DingTalkApi(config, session, _now).token()


_FETCHERS = {"feishu": _feishu, "wecom": _wecom, "dingtalk": _dingtalk}
