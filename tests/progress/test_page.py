"""The customer's project page over HTTP: a signed link shows the page; tampered → 403,
expired → 410, both with the "link expired" page and no project data."""
from __future__ import annotations

from bot.pages.links import LinkRefused, PageLinks
from tests.progress.helpers import OWNER, SITE, days, edit_milestone, local_today, say_with_photos

import pytest


async def page_path(console, chat: str = OWNER, user: str = "u-liu") -> str:  # noqa: ANN001
    await console.say(user, chat, "进度")
    card = (await console.last_bot(chat))["body"]
    url = next(a["url"] for a in card["actions"] if a["type"] == "link")
    return "/p/" + url.split("/p/", 1)[1]


async def test_signed_link_shows_the_project_without_internal_data(console, clock):
    await say_with_photos(console, "u-li", SITE, "日志 今日完成5层顶板钢筋绑扎，天气 晴，人数 35，"
                                                 "费用 3200，内部：钢筋损耗偏大", 2)
    await console.say("u-liu", OWNER, "报修 5号楼3层卫生间渗水，比较急")   # the customer's: T-1
    await console.say("u-sun", SITE, "报修 脚手架连墙件松动，安全隐患")      # internal: T-2
    await edit_milestone(console.app, "P-001", "主体结构封顶", planned_end=local_today(clock) - days(5))
    response = await console.client.get(await page_path(console))
    assert response.status == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    html = await response.text()
    assert "P-001 滨江花园 5 号楼" in html
    assert html.count('class="gantt-row milestone"') == 5
    assert 'data-state="late"' in html and 'data-state="done_late"' in html
    assert "今日完成5层顶板钢筋绑扎" in html and html.count('<img src="/media/') == 2
    assert "T-1 · 5号楼3层卫生间渗水" in html and "待接单" in html
    assert "预付款" in html and "已付" in html
    for secret in ("3200", "钢筋损耗", "内部", "HT-2026-001", "12,800,000", "T-2", "脚手架"):
        assert secret not in html, secret


async def test_tampered_and_foreign_links_are_refused_without_data(console):
    path = await page_path(console)
    code, expires, signature = path[3:].split(".")
    flipped = signature[:-1] + ("A" if signature[-1] != "A" else "B")
    for bad in (f"/p/{code}.{expires}.{flipped}",            # signature changed
                f"/p/P-002.{expires}.{signature}",           # another project, same signature
                f"/p/{code}.{int(expires) + 86400}.{signature}",  # a later expiry
                "/p/P-001", "/p/anything"):
        response = await console.client.get(bad)
        assert response.status == 403, bad
        html = await response.text()
        assert "链接已过期，请重新获取" in html and "滨江花园" not in html and "P-001" not in html


async def test_expired_link_is_gone(console, clock):
    path = await page_path(console)
    clock.advance(days=6, hours=23)
    assert (await console.client.get(path)).status == 200
    clock.advance(hours=2)                      # past 7 days (rounded up to the hour)
    response = await console.client.get(path)
    assert response.status == 410
    html = await response.text()
    assert "链接已过期，请重新获取" in html and "滨江花园" not in html


def test_links_sign_and_verify(clock):
    links = PageLinks(b"0123456789abcdef0123", "https://bot.example.com/", 7)
    url = links.url("P-001", clock())
    assert url.startswith("https://bot.example.com/p/P-001.")
    token = url.rsplit("/", 1)[1]
    code, until = links.verify(token, clock())
    assert code == "P-001" and until > clock() + days(7) - days(0)
    other = PageLinks(b"another-secret-of-20b", "https://bot.example.com", 7)
    with pytest.raises(LinkRefused) as refused:
        other.verify(token, clock())
    assert refused.value.expired is False
    with pytest.raises(LinkRefused) as refused:
        links.verify(token, clock() + days(8))
    assert refused.value.expired is True
