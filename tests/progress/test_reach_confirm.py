"""完成 with a name that only partly matches asks first (issue 16): reaching a milestone sets
payment due dates, so 完成 主体 shows 确认 / 取消 for 主体结构封顶 and changes nothing until 确认."""
from __future__ import annotations

from tests.console_driver import card_text

SITE = "p001-site"


async def test_partial_name_asks_then_confirm_reaches(console):
    await console.say("u-chen", SITE, "完成 主体")
    ask = await console.last_bot(SITE)
    assert ask["body"]["title"] == "请确认完成的节点"
    assert "最接近的节点是「主体结构封顶」" in card_text(ask["body"])
    assert [a["label"] for a in ask["body"]["actions"]] == ["确认", "取消"]
    out = await console.press("u-chen", SITE, ask, "取消")
    assert out["toast"]["text"] == "已取消，进度未改动"
    await console.say("u-qian", SITE, "回款 P-001 20万")
    labels = [a["label"] for a in (await console.last_bot(SITE))["body"]["actions"]]
    assert "进度款（主体封顶） · 待收 ¥3,840,000.00" in labels                # no due date yet

    denied = await console.press("u-liu", SITE, ask, "确认")                # the customer
    assert denied["toast"]["kind"] == "error"
    out = await console.press("u-chen", SITE, ask, "确认")
    assert out["toast"] == {"text": "已更新", "kind": "success"}
    assert "里程碑「主体结构封顶」已完成" in await console.last_text(SITE)
    again = await console.press("u-chen", SITE, ask, "确认")
    assert "主体结构封顶" in again["toast"]["text"]                          # already reached: once


async def test_exact_name_needs_no_question(console):
    await console.say("u-chen", SITE, "完成 主体结构封顶")
    assert "里程碑「主体结构封顶」已完成" in await console.last_text(SITE)
