"""The customer's project page in headless Chromium lists only the customer's tickets (issue 13,
item 3): the one raised in the customer group is there, the internal safety incident is not —
until the project manager shares it in chat, and not any more once it is unshared. Everything
set up in chat over real HTTP: the groups bound, the tickets reported, the share."""
from __future__ import annotations

import uuid

import aiohttp
import pytest

from bot import keys
from bot.app import create_app
from tests.browser import browser_page

pytestmark = pytest.mark.browser
CUSTOMERS, TEAM = "grp-p001-customers", "grp-p001-team"


async def test_the_customer_page_lists_the_customers_tickets_only(settings, clock, aiohttp_server):
    app = create_app(settings, clock=clock, demo=True, run_worker=False)
    server = await aiohttp_server(app)
    base = str(server.make_url("")).rstrip("/")

    async with aiohttp.ClientSession() as http:
        async def say(user: str, chat: str, text: str) -> None:
            async with http.post(f"{base}/console/api/messages", json={
                    "user": user, "chat": chat, "text": text, "event_id": uuid.uuid4().hex}) as response:
                assert response.status == 200, await response.text()
            await app[keys.WORKER].drain()

        await say("u-chen", CUSTOMERS, "绑定 P-001 客户")
        await say("u-chen", TEAM, "绑定 P-001")
        await say("u-sun", TEAM, "报修 5号楼脚手架连墙件松动，安全隐患")      # T-1: internal
        await say("u-liu", CUSTOMERS, "报修 客厅天花板渗水，比较急")          # T-2: the customer's
        await say("u-liu", CUSTOMERS, "进度")
    card = app[keys.HUB].history(CUSTOMERS)[-1].body
    link = next(a["url"] for a in card["actions"] if a["type"] == "link")
    url = base + "/p/" + link.split("/p/", 1)[1]

    async def tickets_shown(page) -> list[str]:  # noqa: ANN001
        response = await page.goto(url)
        assert response.status == 200
        return [text.split("\n")[0] for text in await page.locator("#tickets li.ticket").all_inner_texts()]

    async with browser_page(viewport={"width": 390, "height": 844}, is_mobile=True) as page:
        assert await tickets_shown(page) == ["T-2 · 客厅天花板渗水"]
        assert "脚手架" not in await page.locator("body").inner_text()
        async with aiohttp.ClientSession() as http:
            async with http.post(f"{base}/console/api/messages", json={
                    "user": "u-chen", "chat": TEAM, "text": "共享 T-1", "event_id": uuid.uuid4().hex}) as response:
                assert response.status == 200
        assert await tickets_shown(page) == ["T-2 · 客厅天花板渗水", "T-1 · 5号楼脚手架连墙件松动"]
        await page.screenshot(path="/tmp/sitebot-page-shared.png", full_page=True)   # for a human look
        async with aiohttp.ClientSession() as http:
            async with http.post(f"{base}/console/api/messages", json={
                    "user": "u-chen", "chat": TEAM, "text": "取消共享 T-1", "event_id": uuid.uuid4().hex}) as response:
                assert response.status == 200
        assert await tickets_shown(page) == ["T-2 · 客厅天花板渗水"]
