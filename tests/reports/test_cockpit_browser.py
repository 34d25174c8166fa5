"""The cockpit in headless Chromium at a phone's width: the link from the 报表 card opens the
person's figures with arrows, the ticket trend drawn as SVG, the ageing bars, and the lists
to drill into (the ticket that missed its SLA, the overdue payments, the late project, which
opens that project's cockpit); nothing is wider than the phone. A project manager's link shows
their project only and refuses another; a tampered link is refused, an old one has expired,
and a link stops showing figures once its person's role is taken away."""
from __future__ import annotations

import pytest

from tests.browser import browser_page
from tests.reports.company import DM, SITE1, at, money_story, say
from tests.setup.conftest import ADMIN

pytestmark = pytest.mark.browser
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "device_scale_factor": 2}


async def cockpit_link(console, user: str, text: str = "报表 上月") -> str:
    await console.say(user, DM, text)
    card = (await console.last_bot(DM, user))["body"]
    url = next(a["url"] for a in card["actions"] if a["type"] == "link")
    return str(console.client.make_url("/cockpit/" + url.split("/cockpit/", 1)[1]))


async def test_the_cockpit_on_a_phone(company, clock):
    console = company
    await money_story(console, clock)
    at(clock, "2026-10-12 09:00")
    await say(console, "李工长", "报修 东侧脚手架松动，危险", SITE1)       # never accepted: SLA missed
    await say(console, "陈经理", "节点 添加 P-001 主体封顶 计划 2026-10-25 权重 30")
    at(clock, "2026-11-02 10:00")
    url = await cockpit_link(console, "周主管")

    async with browser_page(**PHONE) as page:
        response = await page.goto(url + "?p=last-month")
        assert response.status == 200
        assert "周主管 · 全公司" in await page.locator("#scope").inner_text()
        collected = page.locator(".tile[data-key=collected]")
        assert "35万" in await collected.locator(".value").inner_text()
        assert await collected.get_attribute("class") == "tile good"
        assert "上期 10万" in await collected.locator(".was").inner_text()
        assert await page.locator(".tile[data-key=overdue]").get_attribute("class") == "tile bad"
        assert await page.locator("#tickets-chart rect.col").count() == 12   # 6 months × opened/resolved
        opened = await page.locator("#tickets-chart rect.col >> nth=10").bounding_box()
        assert opened is not None and opened["height"] > 0            # October's ticket, drawn
        september, october = [await page.locator(f"#money-chart rect.col >> nth={n}").bounding_box()
                              for n in (4, 5)]
        assert october["height"] == pytest.approx(3.5 * september["height"], rel=0.02)   # 35万 / 10万
        ageing = await page.locator("#ageing .bar span").first.bounding_box()
        assert ageing is not None and ageing["width"] > 0
        assert "东侧脚手架松动" in await page.locator("#missed").inner_text()
        overdue = await page.locator("#overdue").inner_text()
        assert "预付款" in overdue and "逾期 72 天" in overdue
        assert await page.evaluate("document.documentElement.scrollWidth") <= 390
        await page.screenshot(path="/tmp/sitebot-cockpit.png", full_page=True)   # for a human look

        await page.click("#projects a.ref >> text=P-001")             # drill into the late project
        await page.wait_for_url("**project=P-001**")
        assert "P-001 滨江花园" in await page.locator("#scope").inner_text()
        assert await page.locator("#all-projects").count() == 1
        assert "预付款" not in await page.locator("#overdue").inner_text()   # P-002's, not here

        mine = await cockpit_link(console, "陈经理")
        assert (await page.goto(mine + "?p=last-month")).status == 200
        assert "我的 1 个项目" in await page.locator("#scope").inner_text()
        assert (await page.goto(mine + "?project=P-002")).status == 403
        assert await page.locator("#refused h1").inner_text() == "无权限"
        assert (await page.goto(mine[:-3] + "abc")).status == 403   # tampered
        assert await page.locator("#refused h1").inner_text() == "链接无效"

        await say(console, ADMIN, "角色 移除 @周主管 部门主管")
        assert (await page.goto(url)).status == 403                   # the role is gone: so are the figures
        clock.advance(days=8)
        assert (await page.goto(mine)).status == 410
        assert await page.locator("#refused h1").inner_text() == "链接已过期，请重新获取"
        assert await page.locator(".tile").count() == 0
