"""巡检 and 验收 through WeCom (a self-built app): real encrypted, signed callbacks in WeCom's XML,
the fake WeCom server answering. A WeCom message carries one photo and no words, so photos are
sent on their own right after the command (image messages fetched with media/get); cards with
buttons are template cards pressed back as template_card_event; the acceptance PDF goes to the
asker's chat as a file (media/upload, then a `file` message)."""
from __future__ import annotations

import json

from bot import keys
from domain.store.models import Identity
from handlers.site.jobs import send_pdfs
from tests.platforms.wecom.conftest import deliver, message_xml
from tests.platforms.wecom.test_wecom_tickets import button, cards_to, texts_to
from tests.site.test_acceptance_feishu import cjk_font  # noqa: F401 - fixture used here
from tests.site.test_acceptance_pdf import images_of, photo

LI, ZHAO, SUN, LIU, CHEN, HE = "LiGongZhang", "ZhaoZhiJian", "SunAnQuan", "LiuZong", "ChenJingLi", "HeJianLi"
ASK = "验收 P-001 隐蔽工程 5层顶板钢筋 绑扎间距150，保护层25"


async def _say(wecom, client, user: str, text: str) -> None:  # noqa: ANN001
    wecom.clock.advance(seconds=5)
    await wecom.text(user, text)
    await deliver(client)


async def _photo(wecom, fake, client, user: str, data: bytes, msg_id: int) -> None:  # noqa: ANN001
    """An image message as WeCom pushes it: a PicUrl and a MediaId the app fetches (media/get)."""
    wecom.clock.advance(seconds=5)
    media_id = f"media-photo-{msg_id}"
    fake.media[media_id] = (data, "image/jpeg")      # what media/get answers for an image
    xml = message_xml(user, "image", wecom.clock(), msg_id,
                      f"<PicUrl><![CDATA[{fake.base_url}/p.jpg]]></PicUrl><MediaId><![CDATA[{media_id}]]></MediaId>")
    assert (await wecom.post(xml)).status == 200
    await deliver(client)


def _everything_to(fake, user: str) -> str:  # noqa: ANN001
    """Whatever the member was sent (texts, cards, their updates), as one text to search."""
    sent = [b for b in fake.sent() if b["touser"] == user]
    sent += [u for u in fake.sent("message/update_template_card") if user in u["userids"]]
    return json.dumps(sent, ensure_ascii=False)


def _accept_cards(fake, user: str) -> list[dict]:  # noqa: ANN001
    return [c for c in cards_to(fake, user) if c["main_title"]["title"].startswith("验收单")]


async def _press(wecom, fake, client, user: str, card: dict, label: str) -> None:  # noqa: ANN001
    wecom.clock.advance(seconds=5)
    await wecom.post(wecom.click_xml(user, card["task_id"], button(card, label), fake.issue_code()))
    await deliver(client)


async def test_an_inspection_through_wecom(wecom, fake_wecom, wecom_app):
    fake, client = fake_wecom, wecom_app
    await _say(wecom, client, LI, "巡检 P-001 5号楼外架、临边防护")
    assert "巡检 XJ-1 进行中" in _everything_to(fake, LI)
    await _photo(wecom, fake, client, LI, photo(1, (800, 600)), 8200000000000000001)
    assert texts_to(fake, LI)[-1] == "📷 1 张照片已加到巡检 XJ-1"
    await _say(wecom, client, LI, "巡检 合格 安全网")
    await _say(wecom, client, LI, "巡检 不合格 3层临边缺护栏")           # a ticket, as 报修 files it
    [assigned] = [c for c in cards_to(fake, SUN) if "巡检 XJ-1" in c["main_title"]["title"]]   # 安全 -> 安全员
    assert {"接单", "转派"} <= {b["text"] for b in assigned["button_list"]}
    await _say(wecom, client, LI, "巡检 结束")
    sent = _everything_to(fake, LI)
    assert "巡检 XJ-1 已结束" in sent and "✅ 安全网" in sent and "❌ 3层临边缺护栏 → T-1" in sent
    await _say(wecom, client, LI, "巡检 记录 P-001 本周")
    assert "P-001 现场巡检 · 本周" in _everything_to(fake, LI)
    async with client.server.app[keys.STORE].transaction() as tx:
        [inspection] = await tx.site.inspections([1], wecom.clock().replace(year=2000), wecom.clock())
        ticket = await tx.tickets.get(1)
    assert inspection.platform == "wecom" and inspection.closed_at is not None
    assert len(inspection.attachments) == 1 and inspection.attachments[0]["ref"].startswith("/media/")
    assert [(i["text"], i["ok"], i["ticket_id"]) for i in inspection.items] == [
        ("安全网", True, None), ("3层临边缺护栏", False, 1)]
    assert ticket.title.startswith("【巡检 XJ-1】3层临边缺护栏")


async def test_an_acceptance_through_wecom_with_its_photo_in_the_pdf(wecom, fake_wecom, wecom_app, cjk_font):  # noqa: F811
    fake, client = fake_wecom, wecom_app
    await _say(wecom, client, LI, ASK)
    assert texts_to(fake, LI)[-1] == "已发起验收 YS-1，已发给 刘总（业主）、何监理 确认"
    await _photo(wecom, fake, client, LI, photo(2), 8200000000000000011)   # sent right after
    assert texts_to(fake, LI)[-1] == "📷 1 张照片已加到验收单 YS-1"
    [card] = _accept_cards(fake, LIU)
    assert card["main_title"]["title"] == "验收单 YS-1 · 隐蔽工程 · 5层顶板钢筋"
    assert {b["text"] for b in card["button_list"]} == {"通过", "不通过"}
    await _press(wecom, fake, client, LIU, card, "通过")
    updated = [u["template_card"] for u in fake.sent("message/update_template_card") if u["userids"] == [LIU]]
    assert updated and not updated[-1].get("button_list")                 # redrawn as decided
    decided = json.dumps(updated[-1], ensure_ascii=False)
    assert "通过" in decided and "刘总（业主） · 11-23 14:" in decided
    async with client.server.app[keys.STORE].transaction() as tx:
        record = await tx.site.acceptance(1)
    assert record.status == "passed" and len(record.attachments) == 1
    assert await send_pdfs(client.server.app[keys.JOBS]) == 1
    await deliver(client)
    [(name, data)] = fake.sent_files()
    assert name == "验收单-YS-1-5层顶板钢筋.pdf" and data.startswith(b"%PDF")
    [(kind, _)] = images_of(data)                                         # the photo, in the PDF
    assert kind == "/DCTDecode"
    assert [b["touser"] for b in fake.sent() if b.get("msgtype") == "file"] == [LI]


async def test_the_supervisor_added_through_wecom_decides_with_a_reason(wecom, fake_wecom, wecom_app):
    fake, client = fake_wecom, wecom_app
    async with client.server.app[keys.STORE].transaction() as tx:   # 何监理's WeCom account
        he = (await tx.people.by_name("何监理"))[0]
        tx.add(Identity(person_id=he.id, platform="wecom", external_id=HE, display_name="何监理",
                        alt_ids={}, created_at=wecom.clock()))
    await _say(wecom, client, CHEN, "成员 添加 何监理 P-001 监理")
    assert texts_to(fake, CHEN)[-1] == "已把 何监理 加入 P-001，角色：监理。"
    await _say(wecom, client, LI, ASK)
    assert texts_to(fake, LI)[-1] == "已发起验收 YS-1，已发给 何监理、刘总（业主） 确认"
    [card] = _accept_cards(fake, HE)
    await _press(wecom, fake, client, HE, card, "不通过")                 # asked for the reason
    assert texts_to(fake, HE)[-1] == "请回复原因：验收 不通过 YS-1 <原因>"
    await _say(wecom, client, ZHAO, "验收 不通过 YS-1 保护层不足")         # not a decider
    assert texts_to(fake, ZHAO)[-1] == "无权限：只有本项目的监理/业主联系人（何监理、刘总（业主））可以确认验收"
    await _say(wecom, client, HE, "验收 不通过 YS-1 保护层不足，垫块缺失")
    assert texts_to(fake, HE)[-1] == "验收单 YS-1：不通过"
    async with client.server.app[keys.STORE].transaction() as tx:
        record = await tx.site.acceptance(1)
    assert (record.status, record.decided_by_id, record.reason) == ("failed", he.id, "保护层不足，垫块缺失")
    assert "原因：保护层不足，垫块缺失" in _everything_to(fake, LIU)        # the owner's copy redrawn
