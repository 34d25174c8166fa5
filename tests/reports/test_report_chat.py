"""报表 in chat, through the console: the card's key figures with their arrows against the
previous month (the money story's sums, worked out in test_money_figures.py), the chart kept
as a PNG and shown on the card, the cockpit link; narrowing to one project; who gets 无权限;
bad input answered with the usage and nothing drawn."""
from __future__ import annotations

import os

from bot import keys
from tests.console_driver import card_text, field
from tests.reports.company import DM, SITE1, at, money_story


def pictures(console) -> set[str]:
    """The PNGs in this app's media directory (its own: other test runs save photos too)."""
    media = console.app[keys.SETTINGS].media_dir
    return {name for name in os.listdir(media) if name.endswith(".png")} if os.path.isdir(media) else set()


async def ask(console, user: str, text: str) -> dict:
    await console.say(user, DM, text)
    return (await console.last_bot(DM, user))["body"]


async def test_the_report_card_with_arrows_a_chart_and_the_cockpit_link(company, clock, cjk_font):
    await money_story(company, clock)
    at(clock, "2026-11-02 10:00")
    card = await ask(company, "周主管", "报表 上月")
    assert card["title"] == "📊 经营报表 · 2026-10-01 至 10-31"
    assert field(card, "本期回款") == "35万 ↑🟢（上期 10万）"
    assert field(card, "逾期应收") == "40万 ↑🔴（上期 10万）"
    assert field(card, "应收账款周转天数") == "19.1 天 ↓🟢（上期 30 天）"
    assert field(card, "风险客户") == "1 →（上期 1）"
    assert field(card, "SLA 达标率") == "—"                       # no ticket in either month
    assert "风险客户：临江教育局" in card_text(card)
    assert "范围：全公司 · 对比上期：2026-09-01 至 09-30" in card_text(card)
    [image] = [b for b in card["blocks"] if b["type"] == "image"]
    response = await company.client.get(image["ref"])
    assert response.status == 200 and response.content_type == "image/png"
    assert (await response.read()).startswith(b"\x89PNG\r\n\x1a\n")
    [link] = [a for a in card["actions"] if a["type"] == "link"]
    assert link["label"] == "打开驾驶舱" and "/cockpit/" in link["url"]
    [export] = [a for a in card["actions"] if a["type"] == "button"]
    assert export["action"] == "report.export" and export["value"] == {"k": "month", "f": "2026-10-01",
                                                                       "l": "2026-10-31"}

    # A project manager's report is their project's; one project is asked by its code.
    mine = await ask(company, "陈经理", "统计 上月")
    assert field(mine, "本期回款") == "30万 ↑🟢（上期 10万）"
    assert "范围：我的 1 个项目" in card_text(mine)
    one = await ask(company, "周主管", "报表 上月 P-002")
    assert field(one, "本期回款") == "5万 ↑🟢（上期 0元）" and "范围：P-002 三中教学楼" in card_text(one)
    assert "在谈商机金额" not in card_text(one)                    # the funnel is the company's

    # Asked in a project group, the report goes to the asker's direct chat: the group is told.
    await company.say("陈经理", SITE1, "报表 上月")
    assert await company.last_text(SITE1, "陈经理") == "报表含经营数据，已私信发给 陈经理。"
    assert (await company.last_bot(DM, "陈经理"))["body"]["title"] == "📊 经营报表 · 2026-10-01 至 10-31"


async def test_who_may_not_see_reports_and_bad_input(company, clock):
    await money_story(company, clock)
    at(clock, "2026-11-02 10:00")
    before = pictures(company)
    for user, text, answer in [
            ("陈经理", "报表 P-002", "无权限"),          # another manager's project
            ("刘总", "报表", "无权限"),                  # a customer contact
            ("李工长", "报表", "无权限"),                # the site team
            ("刘总", "满意度", "无权限"),
            ("周主管", "报表 明年", "用法：报表 [本周|上周|本月|上月|本季度|上季度|2026-10-01 至 2026-10-31] [P-001]"
                                  "，例如：报表 本月、报表 P-001、导出 报表 上月"),
            ("周主管", "报表 2026-10-31 至 2026-10-01", "结束日期 2026-10-01 早于开始日期 2026-10-31。"),
            ("周主管", "报表 2027-01-01 至 2027-01-31", "2027-01-01 还没到，没有数据。"),
            ("周主管", "报表 P-001 P-002", "一次只能看一个项目，或不写项目看全部。"),
            ("周主管", "报表 2026-02-30 至 2026-03-01",
             "没看懂日期「2026-02-30 至 2026-03-01」，请写成 2026-10-01 至 2026-10-31。")]:
        reply = await ask(company, user, text)
        assert reply["type"] == "text" and reply["text"] == answer, (user, text, reply)
    assert pictures(company) == before                                  # nothing drawn for any of them
    # In the owner's group a staff member is told where reports work.
    await company.say("周主管", "owner-1", "报表")
    assert await company.last_text("owner-1", "周主管") == "客户群里不处理「报表」，请在项目部群或私聊中使用。"
