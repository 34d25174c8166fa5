"""Inspections and acceptance records made in chat (console) on the customer's read-only project
page, over HTTP: when, where, who, items passed/failed and the photos of each inspection, never
the items' words nor the tickets they opened; each acceptance record's number, kind, subject,
decision, who and when."""
from __future__ import annotations

from tests.progress.helpers import OWNER, SITE, say_with_photos
from tests.progress.test_page import page_path


async def test_inspections_and_acceptances_on_the_customer_page(console, clock):
    await say_with_photos(console, "u-li", SITE, "巡检 5号楼外架、临边防护", 2)
    clock.advance(seconds=5)
    await console.say("u-li", SITE, "巡检 合格 安全网")
    clock.advance(seconds=5)
    await console.say("u-li", SITE, "巡检 合格 连墙件")
    clock.advance(seconds=5)
    await console.say("u-li", SITE, "巡检 不合格 3层临边缺护栏")       # opens T-1, internal
    clock.advance(seconds=5)
    await console.say("u-li", SITE, "巡检 结束")
    clock.advance(minutes=5)
    await say_with_photos(console, "u-li", SITE, "验收 隐蔽工程 5层顶板钢筋 绑扎间距150，保护层25", 1)
    clock.advance(seconds=5)
    await console.say("u-li", SITE, "验收 材料进场 HRB400钢筋 Φ25 12吨")
    clock.advance(minutes=5)
    await console.say("u-liu", OWNER, "验收 通过 YS-1")
    clock.advance(seconds=5)
    await console.say("u-liu", OWNER, "验收 不通过 YS-2 缺质保书")

    response = await console.client.get(await page_path(console))
    assert response.status == 200
    html = await response.text()
    section = html.split('<section id="inspections">', 1)[1].split("</section>", 1)[0]
    assert "现场巡检" in section and "XJ-1" in section and "5号楼外架、临边防护" in section
    assert "巡检人 李工长" in section and "合格 2 项 · 不合格 1 项" in section and "照片 2 张" in section
    assert section.count('<img src="/media/') == 2
    for internal in ("3层临边缺护栏", "安全网", "T-1"):
        assert internal not in html, internal
    accepted = html.split('<section id="acceptances">', 1)[1].split("</section>", 1)[0]
    ys2, ys1 = accepted.split('<li class="acceptance">')[1:]            # newest first
    assert "YS-2 · 材料进场 · HRB400钢筋" in ys2 and "不通过" in ys2 and "缺质保书" in ys2
    assert "YS-1 · 隐蔽工程 · 5层顶板钢筋" in ys1 and ">通过<" in ys1 and "不通过" not in ys1
    assert "李工长" in ys1 and "申请" in ys1 and "刘总（业主）" in ys1 and "确认" in ys1

    english = await (await console.client.get(await page_path(console) + "?lang=en")).text()
    assert "Site inspections" in english and "2 passed · 1 failed" in english and "Passed" in english
