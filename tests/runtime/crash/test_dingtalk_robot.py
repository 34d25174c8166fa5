"""Issue 13 item 1: kill -9 while DingTalk has robot messages whose outcome sitebot has not
recorded yet. DingTalk keeps no key for robot messages (sessionWebhook, groupMessages/send,
oToMessages), so the restart must not send them again — nor lose anything acknowledged.

A real `sitebot serve` on a company set up as a contractor would (company.py; no card
template: ticket cards go back as robot messages), the DingTalk admin binds ten groups by
chat, then 30 reports at 12 a second; the fake DingTalk takes the last card to arrive but
holds its answer, and sitebot is killed while it waits: DingTalk has every card,
sitebot has recorded some of them at most (outcomes are written a pass later) and not the held
one. Restarted on the same database, every acknowledged report must have its ticket and exactly
one card in its group. Before the write-ahead mark (bot/delivery/handover.py) the held card, and
any other not yet recorded, was sent again once the dead process's claim ran out.

What the mark trades (docs/delivery.md): a kill between a mark's commit and its request reaching
DingTalk loses that message instead of doubling it; this test kills when every other card has
arrived, so it counts only the doubling.
"""
from __future__ import annotations

import asyncio
import json
import time

from bench.load.fake import FakeFeishu
from bench.load.machine import Processes
from bench.load.sitebot import Sitebot
from bench.load.traffic import open_loop
from tests.conftest import backend_name
from tests.runtime.crash.dingtalk_robot import RobotReports
from tests.runtime.crash.figures import count, in_hand, wait_for_replies
from tests.runtime.crash.company import first_admin
from tests.runtime.crash.run import CLAIM_SECONDS, DRAIN_LIMIT, set_up, site_env

REPORTS, RATE = 30, 12.0


async def until_idle(db_url: str, limit: float) -> str:
    """Until no inbox event and no outbox row waits or is being sent, two looks in a row; what
    is still in hand if `limit` seconds run out first ("" when they did not)."""
    deadline, idle = time.monotonic() + limit, 0
    while idle < 2:
        left = await in_hand(db_url)
        idle = 0 if any(left.values()) else idle + 1
        if time.monotonic() > deadline:
            return f"still in hand after {limit:.0f} s: {left}"
        await asyncio.sleep(0.5)
    return ""


async def test_kill_9_while_dingtalk_holds_a_robot_message_sends_it_once(db_url, tmp_path):
    feishu = FakeFeishu()   # sitebot's Feishu edge needs somewhere to point; nothing goes there
    await feishu.start()
    edge = RobotReports()
    await edge.start()
    procs = Processes()
    try:
        site = Sitebot(procs, tmp_path, db_url, feishu.url, env=site_env(tmp_path, [edge]), pin=False)
        first_admin(site)
        await site.start()
        await edge.restarted(site)
        await set_up(site, [edge])

        shots = edge.shots(site, REPORTS)
        edge.fake.hold(REPORTS)   # the last card to arrive: all others are in
        loading = asyncio.create_task(open_loop(site.url, [s.prepared for s in shots],
                                                [n / RATE for n in range(len(shots))],
                                                connections=64, timeout=10))
        await asyncio.wait_for(edge.fake.held.wait(), 90)
        site.kill()
        edge.fake.release()
        results, _ = await loading
        acked = [shot for shot, result in zip(shots, results) if result.status == 200]

        await site.start()
        unfinished = await wait_for_replies(db_url, [edge], {edge.name: acked}, DRAIN_LIMIT)
        # Every card is in already; what a restart would send again, it sends once the killed
        # process's claims run out (CLAIM_SECONDS): wait until nothing is left to send.
        unfinished = unfinished or await until_idle(db_url, CLAIM_SECONDS + DRAIN_LIMIT)
        figures = (await count(db_url, [edge], {edge.name: acked}))[edge.name]
        print(json.dumps({"edge": edge.name, "database": backend_name(), **figures.line()},
                         ensure_ascii=False))
        site.kill()
        held = [s.key for s in acked if s.marker and s.marker in edge.fake.held_text]
        assert held, "the held card answers no acknowledged report"
        assert len(acked) == REPORTS
        assert not unfinished, unfinished
        assert figures.sent_twice == [], f"sent twice (the held one: {held})"
        assert figures.without_reply == [] and figures.without_effect == []
        assert figures.effect_twice == []
    finally:
        procs.stop_all()
        await edge.stop()
        await feishu.stop()
