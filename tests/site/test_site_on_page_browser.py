"""The 现场巡检 and 验收记录 sections of the customer's project page in headless Chromium at
phone size, with data made through the console: the inspection's photo draws, the section
links work, nothing overflows the phone's width."""
from __future__ import annotations

import pytest

from bot.app import create_app
from tests.browser import ServedConsole, browser_page
from tests.progress.helpers import png

pytestmark = pytest.mark.browser


async def test_site_sections_on_a_phone(settings, clock, aiohttp_server):
    app = create_app(settings, clock=clock, demo=True, run_worker=False)
    async with ServedConsole.serve(app, aiohttp_server) as served:
        ref = await served.upload(png())
        for user, chat, text, attachments in (
                ("u-li", "p001-site", "巡检 5号楼外架、临边防护", [{"kind": "image", "ref": ref}]),
                ("u-li", "p001-site", "巡检 不合格 3层临边缺护栏", []),
                ("u-li", "p001-site", "验收 隐蔽工程 5层顶板钢筋 绑扎间距150", []),
                ("u-liu", "p001-owner", "验收 通过 YS-1", []),
                ("u-liu", "p001-owner", "进度", [])):
            clock.advance(seconds=5)
            await served.say(user, chat, text, attachments)
        url = await served.page_url("p001-owner")

    async with browser_page(viewport={"width": 390, "height": 844}, is_mobile=True) as page:
        response = await page.goto(url)
        assert response.status == 200
        await page.click("nav a[href='#inspections']")
        await page.wait_for_function("location.hash === '#inspections'")
        inspections = await page.locator("#inspections").inner_text()
        assert "XJ-1" in inspections and "合格 0 项 · 不合格 1 项" in inspections and "照片 1 张" in inspections
        assert "3层临边缺护栏" not in await page.locator("body").inner_text()
        photo = page.locator("#inspections img").first
        await photo.scroll_into_view_if_needed()
        await page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=await photo.element_handle())
        await page.click("nav a[href='#acceptances']")
        await page.wait_for_function("location.hash === '#acceptances'")
        row = page.locator("#acceptances li.acceptance")
        assert await row.count() == 1
        assert "YS-1 · 隐蔽工程 · 5层顶板钢筋" in await row.inner_text()
        assert await row.locator(".tag.passed").inner_text() == "通过"
        assert await page.evaluate("document.documentElement.scrollWidth") <= 390
