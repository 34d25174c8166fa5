"""停工 that moves the project's planned end asks first (issue 16), through DingTalk: the robot's
card (actionCard, its buttons sending the press back as a message) shows the end before →
after; nothing is recorded until 确认; 取消 records nothing; a second press changes nothing."""
from __future__ import annotations

from datetime import timedelta

from bot import keys
from tests.platforms.dingtalk.conftest import dingtalk, fake_dingtalk  # noqa: F401 - the fixtures


async def plan(app):  # noqa: ANN001, ANN201
    async with app[keys.STORE].transaction() as tx:
        project = await tx.projects.by_code("P-001")
        return project.planned_end_date, list((project.calendar or {}).get("stoppage_days", ()))


async def test_dingtalk_stoppage_asks_then_records_once(dingtalk):  # noqa: F811
    end, days = await plan(dingtalk.app)
    assert days == []
    await dingtalk.say("chen01", "停工 P-001 12-05 至 12-06 原因：暴雨预警")
    ask = dingtalk.last_group()
    assert "确认 P-001 停工" in ask["text"] and set(ask["buttons"]) == {"确认", "取消"}
    assert f"**{end}** 改为 **{end + timedelta(days=2)}**" in ask["text"]
    assert await plan(dingtalk.app) == (end, [])                              # nothing yet
    await dingtalk.press("chen01", ask, "取消")
    assert await plan(dingtalk.app) == (end, [])
    await dingtalk.say("chen01", "停工 P-001 12-05 至 12-06 原因：暴雨预警")
    ask = dingtalk.last_group()
    await dingtalk.press("chen01", ask, "确认")
    assert any("已记录 P-001 停工" in m["text"] for m in dingtalk.group_messages())
    assert await plan(dingtalk.app) == (end + timedelta(days=2), ["2026-12-05", "2026-12-06"])
    await dingtalk.press("chen01", ask, "确认")                               # a second press
    assert await plan(dingtalk.app) == (end + timedelta(days=2), ["2026-12-05", "2026-12-06"])
