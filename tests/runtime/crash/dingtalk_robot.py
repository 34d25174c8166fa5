"""DingTalk robot messages in a crash: no card template, so each report's ticket card goes back
to its group as a robot message through the report's sessionWebhook — a message DingTalk keeps
no key for, so a second send would show it twice. The fake can hold its answer to one of them:
DingTalk has the message, sitebot is still waiting to hear so."""
from __future__ import annotations

import asyncio
from datetime import datetime, timezone

from aiohttp import web

from tests.platforms.dingtalk.driver import APP_KEY, APP_SECRET
from tests.platforms.dingtalk.fake_dingtalk import FakeDingTalk
from tests.runtime.crash.dingtalk import DingTalkReports
from tests.runtime.crash.shots import MARKER


class HoldingDingTalk(FakeDingTalk):
    """`hold(n)`: the n-th report card to arrive by sessionWebhook is taken (it is in the
    timeline) but not answered until `release()`; `held` is set meanwhile."""

    def __init__(self) -> None:
        super().__init__(lambda: datetime.now(timezone.utc), APP_KEY, APP_SECRET)
        self.held = asyncio.Event()
        self.held_text = ""
        self._released = asyncio.Event()
        self._hold_at: int | None = None
        self._cards = 0

    def hold(self, nth: int) -> None:
        self._hold_at, self._cards = nth, 0

    def release(self) -> None:
        self._released.set()

    async def session_send(self, request: web.Request) -> web.Response:
        taken = len(self.timeline)
        answer = await super().session_send(request)
        if self._hold_at is None or len(self.timeline) == taken:
            return answer                      # refused, or not a message: answered at once
        text = self.timeline[-1][1]["text"]
        if MARKER.search(text):
            self._cards += 1
            if self._cards == self._hold_at:
                self.held_text = text
                self.held.set()
                await self._released.wait()
        return answer


class RobotReports(DingTalkReports):
    name = "dingtalk robot"

    def __init__(self, groups: int = 10) -> None:
        super().__init__(groups)
        self.fake = HoldingDingTalk()

    def env(self) -> dict[str, str]:
        env = super().env()
        env.pop("SITEBOT_DINGTALK_CARD_TEMPLATE_ID")   # cards go as robot messages
        return env
