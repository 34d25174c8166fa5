"""The console page in a real headless browser: report, see the card, accept as the assignee,
watch the card change in place; someone else gets 无权限."""
from __future__ import annotations

import pytest

from bot.app import create_app
from tests.browser import browser_page

pytestmark = pytest.mark.browser


async def test_report_and_accept_in_the_browser(settings, aiohttp_server):
    server = await aiohttp_server(create_app(settings, demo=True, run_worker=True))
    base = str(server.make_url("/console"))
    async with browser_page(viewport={"width": 420, "height": 800}) as page:
        await page.goto(f"{base}?user=u-li&chat=p001-site")
        await page.wait_for_selector("body[data-ready='1']")
        await page.fill("[data-testid=text]", "报修 5号楼3层卫生间渗水，比较急")
        await page.click("[data-testid=send]")
        card = page.locator("[data-testid=card]").last
        await card.wait_for()
        assert "工单 T-1" in await card.inner_text()
        assert "赵质检" in await card.inner_text()

        # The foreman is not the assignee: the button answers 无权限 and nothing changes.
        await card.get_by_role("button", name="接单").click()
        await page.locator("[data-testid=toast]", has_text="无权限").wait_for()

        # Switch to the quality officer and accept: the same card changes in place.
        await page.select_option("[data-testid=who]", "u-zhao")
        await page.wait_for_selector("body[data-ready='1']")
        card = page.locator("[data-testid=card]").last
        await card.get_by_role("button", name="接单").click()
        note = page.locator("[data-testid=card-note]", has_text="处理中 · 赵质检")
        await note.wait_for()
        assert await page.locator("[data-testid=card]").count() == 1
        assert await card.get_by_role("button", name="接单").count() == 0
        await page.screenshot(path="/tmp/sitebot-console.png")  # for a human look; not asserted
