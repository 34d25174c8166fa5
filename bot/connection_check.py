"""`sitebot check` for the connection modes: asks the platform for a connection the way the SDK
does first (Feishu: `POST /callback/ws/endpoint`; DingTalk: `POST /v1.0/gateway/connections/open`)
and opens nothing. A token proves the app's secret; this proves the platform hands this app a
long connection / stream (a Feishu app that is not self-built, or a DingTalk app without Stream
mode, gets a token and no connection)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import aiohttp

from bot.settings import Settings

TIMEOUT = aiohttp.ClientTimeout(total=15)
ROBOT_TOPIC = "/v1.0/im/bot/messages/get"


@dataclass(frozen=True)
class ConnectionCheck:
    platform: str
    mode: str
    problem: str | None = None   # None: the platform offered a connection

    @property
    def ok(self) -> bool:
        return self.problem is None


async def check_connections(settings: Settings) -> list[ConnectionCheck]:
    feishu, dingtalk = settings.platforms.get("feishu", {}), settings.platforms.get("dingtalk", {})
    checks = []
    async with aiohttp.ClientSession(timeout=TIMEOUT) as session:
        if feishu.get("app_id") and str(feishu.get("mode") or "").lower() == "ws":
            checks.append(await _feishu(session, feishu))
        if dingtalk.get("app_key") and str(dingtalk.get("mode") or "").lower() == "stream":
            checks.append(await _dingtalk(session, dingtalk))
    return checks


async def _feishu(session: aiohttp.ClientSession, section: dict[str, Any]) -> ConnectionCheck:
    from bot.feishu.config import FeishuConfig
    config = FeishuConfig.from_settings(section)
    body = {"AppID": config.app_id, "AppSecret": config.app_secret}
    try:
        async with session.post(config.base_url + "/callback/ws/endpoint", json=body,
                                headers={"locale": "zh"}) as response:
            answer = await response.json(content_type=None)
    except (aiohttp.ClientError, TimeoutError, ValueError) as error:
        return ConnectionCheck("feishu", "ws", f"{type(error).__name__}: {error}")
    if not isinstance(answer, dict) or answer.get("code") != 0 or not (answer.get("data") or {}).get("URL"):
        code, msg = (answer.get("code"), answer.get("msg")) if isinstance(answer, dict) else (None, answer)
        return ConnectionCheck("feishu", "ws", f"no long connection offered: {code} {msg}")
    return ConnectionCheck("feishu", "ws")


async def _dingtalk(session: aiohttp.ClientSession, section: dict[str, Any]) -> ConnectionCheck:
    from bot.dingtalk.config import DingTalkConfig
    config = DingTalkConfig.from_section(section)
    body = {"clientId": config.app_key, "clientSecret": config.app_secret, "localIp": "", "ua": "sitebot-check",
            "subscriptions": [{"type": "CALLBACK", "topic": ROBOT_TOPIC}]}
    try:
        async with session.post(config.base_url + "/v1.0/gateway/connections/open", json=body) as response:
            status, answer = response.status, await response.json(content_type=None)
    except (aiohttp.ClientError, TimeoutError, ValueError) as error:
        return ConnectionCheck("dingtalk", "stream", f"{type(error).__name__}: {error}")
    if status != 200 or not isinstance(answer, dict) or not (answer.get("endpoint") and answer.get("ticket")):
        return ConnectionCheck("dingtalk", "stream", f"no stream offered: HTTP {status} {answer}")
    return ConnectionCheck("dingtalk", "stream")
