"""The customer's project page in headless Chromium at phone size: the Gantt chart and the
daily logs (with their photos) render, the section links and a photo link work, and an expired
link shows the "link expired" page."""
from __future__ import annotations

import pytest

from bot.app import create_app
from tests.browser import ServedConsole, browser_page
from tests.progress.helpers import days, edit_milestone, local_today, png

pytestmark = pytest.mark.browser


async def test_project_page_on_a_phone(settings, clock, aiohttp_server):
    app = create_app(settings, clock=clock, demo=True, run_worker=False)
    async with ServedConsole.serve(app, aiohttp_server) as served:
        ref = await served.upload(png())
        await served.say("u-li", "p001-site", "日志 今日完成5层顶板钢筋绑扎，天气 晴，人数 35",
                         [{"kind": "image", "ref": ref}])
        await served.say("u-liu", "p001-owner", "进度")
        await edit_milestone(app, "P-001", "主体结构封顶", planned_end=local_today(clock) - days(5))
        url = await served.page_url("p001-owner")

    async with browser_page(viewport={"width": 390, "height": 844}, is_mobile=True) as page:
        response = await page.goto(url)
        assert response.status == 200
        assert await page.locator(".gantt-row").count() == 5
        late = page.locator(".gantt-row[data-state=late]")
        assert "主体结构封顶" in await late.inner_text()
        bar = await late.locator(".actual").bounding_box()
        assert bar is not None and bar["width"] > 0        # drawn, not just present in HTML
        assert "今日完成5层顶板钢筋绑扎" in await page.locator("#logs").inner_text()
        photo = page.locator("#logs img").first
        await photo.scroll_into_view_if_needed()
        await page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=await photo.element_handle())
        # Nothing overflows a phone's width.
        assert await page.evaluate("document.documentElement.scrollWidth") <= 390
        await page.click("nav a[href='#payments']")
        await page.wait_for_function("location.hash === '#payments'")
        assert "预付款" in await page.locator("#payments").inner_text()
        async with page.expect_popup() as popup_info:
            await page.locator("#logs .photos a").first.click()
        popup = await popup_info.value
        await popup.wait_for_load_state()
        assert popup.url.endswith(ref)
        await page.screenshot(path="/tmp/sitebot-project-page.png", full_page=True)  # for a human look

        clock.advance(days=8)
        response = await page.goto(url)
        assert response.status == 410
        assert await page.locator("#refused h1").inner_text() == "链接已过期，请重新获取"
        assert await page.locator(".gantt-row").count() == 0
