"""项目 P-001 修改 竣工 … that moves the planned end asks first (issue 16), over the console's
HTTP: the end before → after, 确认 / 取消; every refusal comes before any question; nothing
changes until 确认, once; an edit that leaves the end alone is made at once."""
from __future__ import annotations

from bot import keys
from tests.console_driver import card_text

SITE = "p001-site"


async def end(app, code: str = "P-001"):  # noqa: ANN001, ANN201
    async with app[keys.STORE].transaction() as tx:
        return (await tx.projects.by_code(code)).planned_end_date


async def test_changing_the_end_date_asks_first(console):
    before = await end(console.app)
    await console.say("u-chen", SITE, "项目 P-001 修改 竣工 2028-06-30 地址 滨江大道 99 号")
    ask = await console.last_bot(SITE)
    assert ask["body"]["title"] == "确认修改 P-001 的竣工日期？"
    assert f"将从 **{before}** 改为 **2028-06-30**" in card_text(ask["body"])
    assert await end(console.app) == before
    out = await console.press("u-li", SITE, ask, "确认")
    assert out["toast"]["text"] == "无权限：只有发出「修改」的人可以确认"
    out = await console.press("u-chen", SITE, ask, "取消")
    assert out["toast"]["text"] == "已取消，竣工日期没有改动"
    assert (await console.press("u-chen", SITE, ask, "确认"))["toast"]["text"] == "这个确认已经处理过了"
    assert await end(console.app) == before

    await console.say("u-chen", SITE, "项目 P-001 修改 竣工 2028-06-30 地址 滨江大道 99 号")
    ask = await console.last_bot(SITE)
    out = await console.press("u-chen", SITE, ask, "确认")
    assert out["toast"]["text"] == "已修改竣工日期"
    assert str(await end(console.app)) == "2028-06-30"
    card = await console.last_bot(SITE)
    assert "2028-06-30" in card_text(card["body"]) and "滨江大道 99 号" in card_text(card["body"])
    again = await console.press("u-chen", SITE, ask, "确认")
    assert again["toast"]["text"] == "这个确认已经处理过了"


async def test_refusals_come_first_and_other_edits_need_no_question(console):
    before = await end(console.app)
    await console.say("u-li", SITE, "项目 P-001 修改 竣工 2028-06-30")             # not the PM
    assert (await console.last_text(SITE)).startswith("无权限")
    await console.say("u-chen", SITE, "项目 P-001 修改 竣工 2020-01-01")           # before the start
    assert "早于" in await console.last_text(SITE)
    await console.say("u-chen", SITE, f"项目 P-001 修改 竣工 {before}")             # the same day
    assert (await console.last_bot(SITE))["body"].get("title", "") != "确认修改 P-001 的竣工日期？"
    await console.say("u-chen", SITE, "项目 P-001 修改 地址 滨江大道 100 号")
    assert (await console.last_bot(SITE))["body"].get("title", "") != "确认修改 P-001 的竣工日期？"
    assert await end(console.app) == before
