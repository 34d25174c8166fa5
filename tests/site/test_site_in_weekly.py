"""Inspections made in chat (console) on the per-project weekly report (项目周报, the internal
Monday card), by the weekly job on a fixed clock: 现场巡检 with one line per inspection of the
week and, since the card is the site team's, the failed items with the tickets they opened; an
inspection of the week before is not on it; a week without one says so."""
from __future__ import annotations

from bot import keys
from handlers.progress.jobs import scan_weekly
from tests.console_driver import card_text
from tests.progress.helpers import OWNER, SITE, say_with_photos


async def _weekly(console, chat: str) -> list[str]:  # noqa: ANN001
    return [card_text(m["body"]) for m in await console.bot_messages(chat)
            if m["body"].get("title", "").startswith("项目周报")]


async def test_the_weeks_inspections_and_their_failed_items_on_the_weekly_card(console, clock):
    # Monday 11-23 14:00 Shanghai: the week the report of Monday 11-30 covers.
    await say_with_photos(console, "u-li", SITE, "巡检 5号楼外架、临边防护", 2)
    clock.advance(seconds=5)
    await console.say("u-li", SITE, "巡检 合格 安全网")
    clock.advance(seconds=5)
    await console.say("u-li", SITE, "巡检 不合格 3层临边缺护栏")          # opens T-1
    clock.advance(seconds=5)
    await console.say("u-li", SITE, "巡检 结束")
    clock.advance(days=2, hours=-4, seconds=-15)                             # Wednesday 10:00
    await console.say("u-li", SITE, "巡检 发现 2号塔吊限位失灵；5层洞口无盖板")  # T-2, T-3
    clock.advance(days=5, hours=-1, minutes=-30)                             # next Monday 08:30
    assert await scan_weekly(console.app[keys.JOBS]) == 3
    await console.deliver()
    [text] = await _weekly(console, SITE)
    assert "现场巡检" in text
    assert "11-23 14:00 5号楼外架、临边防护 · 李工长 · 合格 1 项 · 不合格 1 项 · 📷 2" in text
    assert "11-25 10:00" in text and "合格 0 项 · 不合格 2 项" in text
    assert "不合格项 3 项：" in text
    for line in ("❌ XJ-1 3层临边缺护栏 → T-1", "❌ XJ-2 2号塔吊限位失灵 → T-2", "❌ XJ-2 5层洞口无盖板 → T-3"):
        assert line in text, line
    assert await _weekly(console, OWNER) == []                              # internal, as before

    # The week after: nothing inspected; last week's inspections are not repeated.
    clock.advance(days=7)
    assert await scan_weekly(console.app[keys.JOBS]) == 3
    await console.deliver()
    _, later = await _weekly(console, SITE)
    assert "本周没有现场巡检记录。" in later and "XJ-1" not in later and "5号楼外架" not in later
