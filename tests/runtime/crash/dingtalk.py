"""DingTalk in the crash run: "报修 …" @-ing the robot in groups the admin bound (signed robot
callbacks, each with its own millisecond); the ticket card that answers it is an interactive
card (a card template is configured), delivered with an outTrackId made from the outbox row's
key, so a send repeated after a crash is the same card, not a second one.

Robot messages (sessionWebhook, groupMessages/send) carry no such key: one sent just before the
kill and not yet recorded is sent again after the restart, and reaches the chat twice. So the
run uses interactive cards for what it counts; robot messages answer the binds.

DingTalk blocks a robot for ten minutes after 20 messages a minute in one chat, so the load is
spread over enough groups that none gets near that in the whole run."""
from __future__ import annotations

import asyncio
import collections
import copy
import itertools
import json
import time
import uuid
from datetime import datetime, timezone

from bench.load.events import Prepared
from bench.load.sitebot import Sitebot
from bench.load.traffic import _post, session
from tests.platforms.dingtalk.driver import APP_KEY, APP_SECRET, sample, signed_headers
from tests.platforms.dingtalk.fake_dingtalk import FakeDingTalk
from tests.runtime.crash.shots import ReportingEdge, count_markers

ADMIN = "crashding01"


class DingTalkReports(ReportingEdge):
    name = platform = "dingtalk"
    letter = "D"

    def __init__(self, groups: int = 10) -> None:
        super().__init__()
        self.fake = FakeDingTalk(lambda: datetime.now(timezone.utc), APP_KEY, APP_SECRET)
        self.groups = [f"cidCrash{i:02d}{uuid.uuid4().hex[:12]}==" for i in range(groups)]
        self._ms = itertools.count(int(time.time() * 1000))   # one signature per message

    def env(self) -> dict[str, str]:
        base, callback = self.fake.base_url, sample("group_text")   # our corp and robot
        return {"SITEBOT_DINGTALK_APP_KEY": APP_KEY, "SITEBOT_DINGTALK_APP_SECRET": APP_SECRET,
                "SITEBOT_DINGTALK_CORP_ID": callback["chatbotCorpId"],
                "SITEBOT_DINGTALK_ROBOT_CODE": callback["robotCode"], "SITEBOT_DINGTALK_BASE_URL": base,
                "SITEBOT_DINGTALK_SESSION_WEBHOOK_PREFIX": base + "/robot/sendBySession/",
                "SITEBOT_DINGTALK_CARD_TEMPLATE_ID": "tpl-sitebot.schema"}

    def admins(self) -> list[str]:
        return [f"dingtalk:{ADMIN}"]

    async def setup(self, site: Sitebot) -> None:
        binds = [self._message(site, group, "绑定 P-001") for group in self.groups]
        async with session(8, 30) as http:
            results = await asyncio.gather(*(_post(http, "", bind, time.monotonic(), 30) for bind in binds))
        assert [r.status for r in results] == [200] * len(binds), results
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            bound = {chat for chat, m in self.fake.timeline if "已绑定到" in m["text"]}
            if bound >= set(self.groups):
                return
            await asyncio.sleep(0.2)
        raise AssertionError(f"dingtalk: {len(set(self.groups) - bound)} groups not bound")

    def _message(self, site: Sitebot, group: str, text: str) -> Prepared:
        body = copy.deepcopy(sample("group_text"))
        msg_id = "msg" + uuid.uuid4().hex
        now = int(time.time() * 1000)
        body.update(msgId=msg_id, senderStaffId=ADMIN, senderNick="钉钉压测管理员",
                    senderId=f"$:LWCP_v1:${ADMIN}", conversationId=group,
                    conversationTitle="压测群", text={"content": " " + text}, createAt=now,
                    sessionWebhook=f"{self.fake.base_url}/robot/sendBySession/{group}-{msg_id}",
                    sessionWebhookExpiredTime=now + 90 * 60 * 1000)
        return Prepared(json.dumps(body, ensure_ascii=False).encode(), signed_headers(next(self._ms)),
                        msg_id, group, ADMIN, f"{site.base_url}/webhooks/dingtalk")

    def report(self, site: Sitebot, n: int, words: str) -> tuple[Prepared, str]:
        group = self.groups[n % len(self.groups)]
        return self._message(site, group, f"报修 {words}"), group

    def _answers(self) -> list[tuple[str, str]]:
        """(group, words) of every message and interactive card that reached a group."""
        cards = [(body["openSpaceId"].rsplit(".", 1)[-1] if "IM_GROUP" in body["openSpaceId"] else "",
                  json.dumps(body["cardData"], ensure_ascii=False)) for body in self.fake.cards.values()]
        return [(chat, m["text"]) for chat, m in self.fake.timeline] + cards

    def resent(self) -> int:
        """Cards created again under the same outTrackId (the same card: nobody sees two)."""
        calls = sum(1 for call in self.fake.calls if call == ("POST", "/v1.0/card/instances/createAndDeliver"))
        return calls - len(self.fake.cards)

    def replies(self) -> collections.Counter[str]:
        return count_markers(self._answers(), self.expected)
