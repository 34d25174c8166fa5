"""Inspections made in chat (console) in the customer's daily digest, by the digest job on a
fixed clock: one line each (when, where, who, items passed/failed, photos) for those since the
previous digest, never the items' words; a day with only an inspection still sends a digest."""
from __future__ import annotations

from tests.console_driver import card_text
from tests.progress.helpers import OWNER, SITE, say_with_photos
from tests.progress.test_digest import digest_cards, run_digests


async def test_inspections_since_the_last_digest_one_line_each(console, clock):
    # 14:00 Shanghai
    await say_with_photos(console, "u-li", SITE, "巡检 5号楼外架、临边防护", 2)
    clock.advance(seconds=5)
    await console.say("u-li", SITE, "巡检 合格 安全网")
    clock.advance(seconds=5)
    await console.say("u-li", SITE, "巡检 不合格 3层临边缺护栏")     # an internal ticket: not news
    clock.advance(seconds=5)
    await console.say("u-li", SITE, "巡检 结束")
    clock.advance(hours=4, seconds=-15)                                # 18:00
    assert await run_digests(console) == 3
    [card] = await digest_cards(console, OWNER)
    text = card_text(card)
    assert "现场巡检" in text
    assert "14:00 5号楼外架、临边防护 · 李工长 · 合格 1 项 · 不合格 1 项 · 📷 2" in text
    for internal in ("3层临边缺护栏", "安全网", "T-1"):
        assert internal not in text, internal

    clock.advance(hours=16)                                            # 10:00 the next day
    await console.say("u-li", SITE, "巡检 2号楼塔吊")
    clock.advance(seconds=5)
    await console.say("u-li", SITE, "巡检 合格 限位装置")
    clock.advance(hours=8, seconds=-5)                                 # 18:00: only that happened
    assert await run_digests(console) == 3
    first, second = await digest_cards(console, OWNER)
    text = card_text(second)
    assert "10:00 2号楼塔吊 · 李工长 · 合格 1 项" in text and "不合格" not in text
    assert "5号楼外架" not in text                                     # in yesterday's digest only
