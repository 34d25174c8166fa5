"""The company the crash runs load, made as a contractor makes it from an empty database: the
first admin from the shell (`sitebot admin add`, before the first `serve`), then, typed by that
admin in the web console (SITEBOT_CONSOLE=1): the customer, two projects with their managers,
each project's site group bound and its team added there (李工长 施工员 on both, 赵质检 质检员
on P-001, so a 渗水 report goes to him). The platforms' own admins ([access] admins in the site
file) then bind their groups by signed chat messages (each edge's `setup`)."""
from __future__ import annotations

import asyncio
import json
import time
import uuid
from datetime import date, timedelta
from typing import Any, Awaitable, Callable, Sequence

import aiohttp

from bench.load.sitebot import Sitebot

ADMIN = "管理员"                       # the console admin's user id and name
FOREMAN = "李工长"                     # a console user named by `成员 添加 @李工长`: the id is the name
SITE_GROUPS = {"P-001": "p001-site", "P-002": "p002-site"}
ENV = {"SITEBOT_CONSOLE": "1"}


def first_admin(site: Sitebot) -> None:
    """`sitebot admin add` (it also brings the empty database to the newest schema)."""
    site.cli("admin", "add", ADMIN, "--identity", f"console:{ADMIN}")


async def set_up_company(site: Sitebot, *, meanwhile: Sequence[Callable[[], Awaitable[None]]] = ()) -> None:
    """The customer and the projects, one after the other (so P-001 and P-002 are the codes
    given); then the site groups, beside `meanwhile` (what needs the projects only); then
    every command's answer is checked. The groups one after the other: both name 李工长, who
    is new, and two at once race to create him (on PostgreSQL one answers 处理时出错了)."""
    today = date.today()
    dates = f"开工 {today - timedelta(days=200)} 竣工 {today + timedelta(days=340)}"
    async with aiohttp.ClientSession(site.base_url, timeout=aiohttp.ClientTimeout(total=30)) as http:
        console = _Console(http)
        await console.say("dm", "客户 新建 星河置业有限公司 开发商 A", "已新建客户「星河置业有限公司」")
        await console.say("dm", f"项目 新建 滨江花园5号楼 客户 星河置业 经理 @陈经理 {dates}", "已新建项目 P-001")
        await console.say("dm", f"项目 新建 临江三中教学楼改扩建 客户 星河置业 经理 @林经理 {dates}",
                          "已新建项目 P-002")
        await asyncio.gather(_site_groups(console), *(then() for then in meanwhile))
        await console.answered()


async def _site_groups(console: _Console) -> None:
    for code, group in SITE_GROUPS.items():
        await console.say(group, f"绑定 {code}", f"已绑定到 {code}")
        team = [(FOREMAN, "施工员")] + ([("赵质检", "质检员")] if code == "P-001" else [])
        for name, role in team:
            await console.say(group, f"成员 添加 @{name} {role}", f"已把 {name} 加入 {code}")


class _Console:
    """The admin at the console page. The page's POST is answered once the message is handled
    (its effect is there); sitebot's answer reaches the chat through the outbox, so the
    answers are checked together at the end."""

    def __init__(self, http: aiohttp.ClientSession) -> None:
        self.http = http
        self.expected: list[tuple[str, str, str]] = []    # (chat, command, words its answer has)

    async def say(self, chat: str, text: str, expect: str) -> None:
        async with self.http.post("/console/api/messages", json={
                "user": ADMIN, "chat": chat, "text": text, "event_id": uuid.uuid4().hex}) as response:
            assert response.status == 200, (text, response.status, await response.text())
        self.expected.append((chat, text, expect))

    async def answered(self, limit: float = 60.0) -> None:
        deadline = time.monotonic() + limit
        while True:
            answers = {chat: await self._answers(chat) for chat in {chat for chat, _, _ in self.expected}}
            missing = [(text, expect) for chat, text, expect in self.expected
                       if not any(expect in answer for answer in answers[chat])]
            if not missing:
                return
            if time.monotonic() > deadline:
                raise AssertionError(f"console set-up: no answer saying so to {missing}; answers: {answers}")
            await asyncio.sleep(0.1)

    async def _answers(self, chat: str) -> list[str]:
        async with self.http.get("/console/api/history", params={"chat": chat, "user": ADMIN}) as response:
            messages: list[dict[str, Any]] = (await response.json())["messages"]
        return [json.dumps(m["body"], ensure_ascii=False) for m in messages if m["sender"] == "sitebot"]
