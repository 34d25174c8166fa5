"""Issue 13 item 1: kill -9 while DingTalk has a robot message and sitebot waits for its answer.
DingTalk keeps no key for robot messages (sessionWebhook, groupMessages/send, oToMessages), so
the restart must not send it again — nor lose anything else that was acknowledged.

A real `sitebot serve` (no card template: ticket cards go back as robot messages), the admin
binds ten groups by chat, then reports at 12 a second; the fake DingTalk takes the fifth card
but holds its answer, and sitebot is killed while it waits (0.3 s on, so the sends of other
groups in flight have finished). Restarted on the same database, every acknowledged report must
have its ticket and exactly one card in its group. Before the write-ahead mark
(bot/delivery/handover.py) the held card was sent again once the dead process's claim ran out.
"""
from __future__ import annotations

import asyncio
import json

from bench.load.fake import FakeFeishu
from bench.load.machine import Processes
from bench.load.sitebot import Sitebot
from bench.load.traffic import open_loop
from tests.conftest import backend_name
from tests.runtime.crash.dingtalk_robot import RobotReports
from tests.runtime.crash.figures import count, wait_for_replies
from tests.runtime.crash.run import DRAIN_LIMIT, site_config

REPORTS, RATE, HOLD_NTH = 40, 12.0, 5


async def test_kill_9_while_dingtalk_holds_a_robot_message_sends_it_once(db_url, tmp_path):
    feishu = FakeFeishu()   # sitebot's Feishu edge needs somewhere to point; nothing goes there
    await feishu.start()
    edge = RobotReports()
    await edge.start()
    procs = Processes()
    try:
        env = {"SITEBOT_CONFIG": str(site_config(tmp_path / "site.toml", [edge])),
               "SITEBOT_LINK_SECRET": "crash-test-link-secret", **edge.env()}
        site = Sitebot(procs, tmp_path, db_url, feishu.url, env=env, serve_args=["--demo"], pin=False)
        await site.start()
        await edge.restarted(site)
        await edge.setup(site)

        shots = edge.shots(site, REPORTS)
        edge.fake.hold(HOLD_NTH)
        loading = asyncio.create_task(open_loop(site.url, [s.prepared for s in shots],
                                                [n / RATE for n in range(len(shots))],
                                                connections=64, timeout=10))
        await asyncio.wait_for(edge.fake.held.wait(), 60)
        await asyncio.sleep(0.3)
        site.kill()
        edge.fake.release()
        results, _ = await loading
        acked = [shot for shot, result in zip(shots, results) if result.status == 200]

        await site.start()
        unfinished = await wait_for_replies(db_url, [edge], {edge.name: acked}, DRAIN_LIMIT)
        figures = (await count(db_url, [edge], {edge.name: acked}))[edge.name]
        print(json.dumps({"edge": edge.name, "database": backend_name(), **figures.line()},
                         ensure_ascii=False))
        site.kill()
        held = [s.key for s in acked if s.marker and s.marker in edge.fake.held_text]
        assert held, "the held card answers no acknowledged report"
        assert not unfinished, unfinished
        assert figures.sent_twice == [], f"sent twice (the held one: {held})"
        assert figures.without_reply == [] and figures.without_effect == []
        assert figures.effect_twice == []
    finally:
        procs.stop_all()
        await edge.stop()
        await feishu.stop()
