"""Feishu in the crash run: "@sitebot 报修 …" in group chats the admin bound, and 接单 pressed on
ticket cards posted before the load (answered inline, within Feishu's 3 s, or late)."""
from __future__ import annotations

import asyncio
import collections
import json
import secrets
from typing import Any

from bench.load import events
from bench.load.fake import FakeFeishu
from bench.load.sitebot import Sitebot, answered, post_commands
from bench.load.traffic import Result
from tests.runtime.crash.shots import QuietEdge, Shot, report_text


class FeishuReports(QuietEdge):
    name = platform = "feishu"

    def __init__(self, fake: FakeFeishu, chats: int = 10) -> None:
        self.fake = fake
        self.admin = events.admin("飞书压测管理员")
        self.chats = ["oc_" + secrets.token_hex(16) for _ in range(chats)]
        self.bound = asyncio.Event()

    def admins(self) -> list[str]:
        return [f"feishu:{self.admin.open_id}"]

    async def setup(self, site: Sitebot) -> None:
        binds = [events.prepare(self.admin, chat, "绑定 P-001", at_bot=True) for chat in self.chats]
        await post_commands(site.url, self.fake, binds)
        await answered(self.fake, [(bind, "已绑定到") for bind in binds], 60)
        self.bound.set()

    def report(self, n: int, letter: str = "F") -> Shot:
        marker, words = report_text(letter, n)
        event = events.prepare(self.admin, self.chats[n % len(self.chats)], f"报修 {words}", at_bot=True)
        self.fake.register([event])
        # Feishu messages are de-duplicated on their message_id (a re-push has a new event_id).
        return Shot(event, event.message_id, marker=marker)

    def shots(self, site: Sitebot, count: int) -> list[Shot]:
        return [self.report(n) for n in self.numbers(count)]

    def replies(self) -> collections.Counter[str]:
        """Messages posted in reply to each report (Feishu keeps one per uuid: a resend with
        the same idempotency key is not a second message)."""
        return collections.Counter(d.parent for d in self.fake.delivered if d.api == "reply")

    def resent(self) -> int:
        return self.fake.duplicates    # a uuid seen again: Feishu answers with the first message


class FeishuPresses(QuietEdge):
    """接单 on tickets reported (and carded) before the load, pressed by the admin during it.
    Its reply: the new card in the callback's answer, or, when the answer came first, a
    delayed update with the press's token or a PATCH of the pressed card."""
    name, platform = "feishu presses", "feishu"

    def __init__(self, reports: FeishuReports) -> None:
        self.reports, self.fake = reports, reports.fake
        self.cards: list[tuple[str, str, dict[str, Any], int]] = []   # (chat, card id, value, ticket)
        self.tokens: dict[str, str] = {}        # press event_id -> its callback token
        self.pressed: dict[str, str] = {}       # press event_id -> the card it pressed
        self.inline: set[str] = set()           # presses whose answer carried the new card
        self.count = 0

    async def setup(self, site: Sitebot) -> None:
        """Report `count` tickets and wait for their cards (the reports' own replies)."""
        await self.reports.bound.wait()
        shots = [self.reports.report(n, "P") for n in range(self.count)]
        await post_commands(site.url, self.fake, [s.prepared for s in shots])
        await answered(self.fake, [(s.prepared, "接单") for s in shots], 60)
        by_report = {d.parent: d for d in self.fake.delivered if d.api == "reply"}
        for shot in shots:
            card = by_report[shot.key]
            value = _button(json.loads(card.content), "接单")
            self.cards.append((card.receive_id, card.message_id, value, int(value["value"]["ticket"])))

    def shots(self, site: Sitebot, count: int) -> list[Shot]:
        out = []
        cards, self.cards = self.cards[:count], self.cards[count:]
        for chat, card_id, value, ticket in cards:
            token = "c-" + secrets.token_hex(20)
            press = events.prepare_press(self.reports.admin, chat, card_id, value, token)
            self.tokens[press.message_id], self.pressed[press.message_id] = token, card_id
            out.append(Shot(press, press.message_id, ticket=ticket))
        return out

    def note(self, shot: Shot, result: Result) -> None:
        try:
            answer = json.loads(result.answer or b"{}")
        except ValueError:
            return
        if isinstance(answer, dict) and answer.get("card"):
            self.inline.add(shot.key)

    def replies(self) -> collections.Counter[str]:
        updated_tokens = {d.receive_id for d in self.fake.delivered if d.api == "card_update"}
        patched = collections.Counter(d.parent for d in self.fake.delivered if d.api == "patch")
        # Whether the presser saw the new card at all (a press's "twice" is its effect's).
        return collections.Counter({
            key: min(1, int(key in self.inline) + int(token in updated_tokens) + patched[self.pressed[key]])
            for key, token in self.tokens.items()})


def _button(card: dict[str, Any], label: str) -> dict[str, Any]:
    """The callback value of the button `label` anywhere on a JSON 2.0 card."""
    stack: list[Any] = [card]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if node.get("tag") == "button" and (node.get("text") or {}).get("content") == label:
                return node["behaviors"][0]["value"]
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    raise AssertionError(f"no {label} button on the card")
