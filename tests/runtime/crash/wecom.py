"""WeCom in the crash run: "报修 P-001 …" from members in their chat with the app (encrypted,
signed XML callbacks); the answer is an app message to the reporter."""
from __future__ import annotations

import collections
import itertools
import json
import secrets
import time
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urlencode

from aiohttp import web

from bench.load.events import Prepared
from bench.load.sitebot import Sitebot
from tests.platforms.wecom.conftest import AES_KEY, AGENT_ID, TOKEN, WeComSender, message_xml
from tests.platforms.wecom.fake_wecom import CORP_ID, SECRET, FakeWeCom
from tests.runtime.crash.shots import ReportingEdge, count_markers


class DuplicateCheckingWeCom(FakeWeCom):
    """WeCom's `enable_duplicate_check`: the same message to the same members within
    `duplicate_check_interval` seconds is not delivered again (sitebot asks for it, so a send
    repeated after a crash reaches nobody twice). The answer to a repeat is ASSUMED to be the
    first one's. `repeats` counts them."""

    def __init__(self, agent_id: int = AGENT_ID) -> None:
        super().__init__(agent_id)
        self.first: dict[str, tuple[float, dict[str, Any]]] = {}
        self.repeats = 0

    async def message_send(self, request: web.Request) -> web.Response:
        body = await self.json_body(request)
        if body.get("enable_duplicate_check") and self._tokens_ok(request):
            same = json.dumps({k: v for k, v in body.items() if k not in _CHECK_FIELDS}, sort_keys=True)
            earlier = self.first.get(same)
            if earlier and time.monotonic() - earlier[0] < int(body.get("duplicate_check_interval") or 1800):
                self.repeats += 1
                return web.json_response(earlier[1])
            response = await super().message_send(request)
            answer = json.loads(response.body)
            if answer.get("errcode") == 0:
                self.first[same] = (time.monotonic(), answer)
            return response
        return await super().message_send(request)

    def _tokens_ok(self, request: web.Request) -> bool:
        return self.tokens.get(request.query.get("access_token", "")) == "ok"


_CHECK_FIELDS = {"agentid", "enable_duplicate_check", "duplicate_check_interval"}


class WeComReports(ReportingEdge):
    name = platform = "wecom"
    letter = "W"

    def __init__(self, members: int = 6) -> None:
        super().__init__()
        self.fake = DuplicateCheckingWeCom()
        self.members = [f"CrashW{i:02d}" for i in range(members)]
        self.sender = WeComSender(None, lambda: datetime.now(timezone.utc))
        self._ids = itertools.count(int(time.time() * 1000) * 1000)

    def env(self) -> dict[str, str]:
        return {"SITEBOT_WECOM_CORP_ID": CORP_ID, "SITEBOT_WECOM_AGENT_ID": str(AGENT_ID),
                "SITEBOT_WECOM_SECRET": SECRET, "SITEBOT_WECOM_TOKEN": TOKEN,
                "SITEBOT_WECOM_AES_KEY": AES_KEY, "SITEBOT_WECOM_BASE_URL": self.fake.base_url}

    def admins(self) -> list[str]:
        # Members of no project: admins may report to any project, named in the message.
        return [f"wecom:{member}" for member in self.members]

    def report(self, site: Sitebot, n: int, words: str) -> tuple[Prepared, str]:
        member, msg_id = self.members[n % len(self.members)], str(next(self._ids))
        xml = message_xml(member, "text", datetime.now(timezone.utc), int(msg_id),
                          f"<Content><![CDATA[报修 P-001 {words}]]></Content>")
        query, body = self.sender.envelope(xml, nonce=secrets.token_hex(5))
        return Prepared(body, {"Content-Type": "text/xml"}, msg_id, f"dm:{member}", member,
                        f"{site.base_url}/webhooks/wecom?{urlencode(query)}"), member

    def resent(self) -> int:
        return self.fake.repeats

    def replies(self) -> collections.Counter[str]:
        texts = [(body["touser"], json.dumps(body, ensure_ascii=False)) for body in self.fake.sent()]
        return count_markers(texts, self.expected)
