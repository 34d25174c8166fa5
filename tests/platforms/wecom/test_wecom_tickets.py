"""The ticket flow through WeCom payloads: report -> template card, 接单 -> every copy updated
with the right single-use code, refusals, duplicates, and token / rate-limit trouble."""
from __future__ import annotations

import json

from sqlalchemy import func, select

from bot import keys
from domain.store.models import Ticket
from domain.store.repos.outbox import FAILED, PENDING
from tests.platforms.wecom.conftest import deliver, message_xml

REPORT = "报修 P-001 5号楼3层卫生间渗水，比较急"


def cards_to(fake, user: str) -> list[dict]:  # noqa: ANN001
    return [b["template_card"] for b in fake.sent() if b["touser"] == user
            and b["msgtype"] == "template_card"]


def texts_to(fake, user: str) -> list[str]:  # noqa: ANN001
    return [b["text"]["content"] for b in fake.sent() if b["touser"] == user and b["msgtype"] == "text"]


def button(card: dict, label: str) -> str:
    return next(b["key"] for b in card["button_list"] if b["text"] == label)


def card_words(card: dict) -> str:
    parts = [card["main_title"]["title"], card.get("sub_title_text", "")]
    parts += [f"{f['keyname']}: {f['value']}" for f in card.get("horizontal_content_list", [])]
    return "\n".join(parts)


async def ticket_count(client) -> int:  # noqa: ANN001
    async with client.server.app[keys.STORE].transaction() as tx:
        return await tx.session.scalar(select(func.count()).select_from(Ticket))


async def report(wecom, fake, client) -> tuple[dict, dict]:  # noqa: ANN001
    await wecom.text("LiGongZhang", REPORT)
    await deliver(client)
    [mine], [assigned] = cards_to(fake, "LiGongZhang"), cards_to(fake, "ZhaoZhiJian")
    return mine, assigned


async def test_report_gives_a_button_card_to_reporter_and_assignee(wecom, fake_wecom, wecom_app):
    mine, assigned = await report(wecom, fake_wecom, wecom_app)
    assert mine["card_type"] == "button_interaction"
    assert "T-1" in mine["main_title"]["title"] and "渗水" in mine["main_title"]["title"]
    assert {"接单", "转派", "已解决"} <= {b["text"] for b in assigned["button_list"]}
    assert "赵质检" in card_words(assigned)          # assigned by the rules: quality -> 质检员
    assert json.loads(button(assigned, "接单")) == {"a": "ticket.accept", "v": {"ticket": 1}}
    assert mine["task_id"] != assigned["task_id"]


async def test_accept_updates_every_copy_with_its_newest_code(wecom, fake_wecom, wecom_app, clock):
    mine, assigned = await report(wecom, fake_wecom, wecom_app)
    codes_at_send = [c for c in fake_wecom.codes]
    click_code = fake_wecom.issue_code()             # WeCom gives a fresh code with each press
    clock.advance(minutes=2)
    response = await wecom.post(wecom.click_xml("ZhaoZhiJian", assigned["task_id"],
                                                button(assigned, "接单"), click_code))
    assert response.status == 200 and await response.text() == ""
    await deliver(wecom_app)
    updates = {u["userids"][0]: u for u in fake_wecom.sent("message/update_template_card")}
    assert set(updates) == {"ZhaoZhiJian", "LiGongZhang"}
    assert updates["ZhaoZhiJian"]["response_code"] == click_code      # the press's own code
    assert updates["LiGongZhang"]["response_code"] in codes_at_send   # the send-time code
    for update in updates.values():
        card = update["template_card"]
        assert "处理中 · 赵质检" in card_words(card)
        labels = {b["text"] for b in card["button_list"]}
        assert "接单" not in labels and "已解决" in labels
    assert updates["ZhaoZhiJian"]["template_card"]["task_id"] == assigned["task_id"]


async def test_used_or_expired_code_means_a_short_line_not_a_fresh_card(wecom, fake_wecom, wecom_app,
                                                                        clock):
    mine, assigned = await report(wecom, fake_wecom, wecom_app)
    clock.advance(hours=73)      # the reporter's send-time code is past its 72 h
    await wecom.post(wecom.click_xml("ZhaoZhiJian", assigned["task_id"], button(assigned, "接单"),
                                     fake_wecom.issue_code()))
    await deliver(wecom_app)
    [update] = fake_wecom.sent("message/update_template_card")
    assert update["userids"] == ["ZhaoZhiJian"]
    # No fresh copy of the card (issue 16: the reporter got 7): one short line.
    assert len(cards_to(fake_wecom, "LiGongZhang")) == 1
    assert texts_to(fake_wecom, "LiGongZhang")[-1].startswith("工单 T-1 · 5号楼3层卫生间渗水 — 处理中 · 赵质检")
    # Zhao's press code is now used: the next change to his copy is a line too.
    await wecom.text("ZhaoZhiJian", "我的工单")      # unrelated traffic in between
    clock.advance(minutes=5)
    resolve_key = button(update["template_card"], "已解决")
    await wecom.post(wecom.click_xml("ZhaoZhiJian", "sb-unknown-task", resolve_key, "rc-foreign"))
    await deliver(wecom_app)
    assert len(fake_wecom.sent("message/update_template_card")) == 1
    assert len(cards_to(fake_wecom, "ZhaoZhiJian")) == 1
    assert "已解决 · 赵质检" in texts_to(fake_wecom, "ZhaoZhiJian")[-1]
    assert any("已解决 · 赵质检" in text for text in texts_to(fake_wecom, "LiGongZhang"))


async def test_press_by_someone_without_the_role_says_no_permission(wecom, fake_wecom, wecom_app):
    mine, assigned = await report(wecom, fake_wecom, wecom_app)
    await wecom.post(wecom.click_xml("SunAnQuan", assigned["task_id"], button(assigned, "接单"),
                                     fake_wecom.issue_code()))
    await wecom.post(wecom.click_xml("Stranger", assigned["task_id"], button(assigned, "接单"),
                                     fake_wecom.issue_code()))
    await deliver(wecom_app)
    assert texts_to(fake_wecom, "SunAnQuan") == ["无权限：只有负责人 赵质检 可以接单"]
    assert texts_to(fake_wecom, "Stranger") == ["无权限"]
    assert fake_wecom.sent("message/update_template_card") == []


async def test_repeated_deliveries_have_one_effect(wecom, fake_wecom, wecom_app, clock):
    xml = wecom.text_xml("LiGongZhang", REPORT, msg_id=123456789)
    for _ in range(3):
        assert (await wecom.post(xml)).status == 200
    await deliver(wecom_app)
    assert await ticket_count(wecom_app) == 1
    assert len(cards_to(fake_wecom, "LiGongZhang")) == 1
    assigned = cards_to(fake_wecom, "ZhaoZhiJian")[0]
    click = wecom.click_xml("ZhaoZhiJian", assigned["task_id"], button(assigned, "接单"),
                            fake_wecom.issue_code())
    for _ in range(3):
        await wecom.post(click)
    await deliver(wecom_app)
    assert len(fake_wecom.sent("message/update_template_card")) == 2   # one per copy, once


async def test_ambiguous_report_asks_which_project_with_a_card(wecom, fake_wecom, wecom_app):
    await wecom.text("LiGongZhang", "报修 5号楼渗水")       # 李工长 works on P-001 and P-002
    await deliver(wecom_app)
    [picker] = cards_to(fake_wecom, "LiGongZhang")
    labels = [b["text"] for b in picker["button_list"]]
    assert [label[:5] for label in labels] == ["P-001", "P-002"]
    assert await ticket_count(wecom_app) == 0
    key = next(b["key"] for b in picker["button_list"] if b["text"].startswith("P-002"))
    for _ in range(2):                                # a second press files nothing more
        await wecom.post(wecom.click_xml("LiGongZhang", picker["task_id"], key, fake_wecom.issue_code()))
        await deliver(wecom_app)
    assert await ticket_count(wecom_app) == 1
    async with wecom_app.server.app[keys.STORE].transaction() as tx:
        ticket = await tx.tickets.get(1)
        project = await tx.projects.get(ticket.project_id)
    assert project.code == "P-002" and ticket.title == "5号楼渗水"


async def test_private_report_lands_on_the_senders_only_project(wecom, fake_wecom, wecom_app):
    await wecom.text("LinJingLi", "报修 操场围挡倒了，很危险")   # 林经理: only on P-002
    await deliver(wecom_app)
    [card] = cards_to(fake_wecom, "LinJingLi")
    assert "P-002" in card_words(card)
    async with wecom_app.server.app[keys.STORE].transaction() as tx:
        ticket = await tx.tickets.get(1)
        project = await tx.projects.get(ticket.project_id)
    assert project.code == "P-002" and ticket.source_platform == "wecom"


async def test_expired_token_is_refreshed_and_the_call_retried_once(wecom, fake_wecom, wecom_app):
    await wecom.text("LiGongZhang", "我是谁")
    await deliver(wecom_app)
    fake_wecom.expire_tokens()                        # 42001 on the next call
    await wecom.text("LiGongZhang", "我是谁")
    await deliver(wecom_app)
    fake_wecom.tokens.clear()                         # 40014: a token WeCom no longer knows
    await wecom.text("LiGongZhang", "我是谁")
    await deliver(wecom_app)
    assert len(texts_to(fake_wecom, "LiGongZhang")) == 3
    assert sum(1 for path, _ in fake_wecom.calls if path == "gettoken") == 3
    assert [code for _, code in fake_wecom.refused] == [42001, 40014]


async def test_rate_limit_45009_delays_without_losing(wecom, fake_wecom, wecom_app, clock):
    fake_wecom.fail_next("message/send", 45009, -1)
    await wecom.text("LiGongZhang", "我是谁")
    await deliver(wecom_app)
    assert texts_to(fake_wecom, "LiGongZhang") == []
    assert fake_wecom.refused == [("message/send", 45009)]
    async with wecom_app.server.app[keys.STORE].transaction() as tx:
        [row] = await tx.outbox.by_status(PENDING)
    assert "45009" in row.last_error and row.attempts == 0   # slowing down is not a failure
    clock.advance(seconds=61)
    await deliver(wecom_app)                          # -1 (busy): retried with backoff
    clock.advance(seconds=10)
    await deliver(wecom_app)
    assert len(texts_to(fake_wecom, "LiGongZhang")) == 1
    assert fake_wecom.refused == [("message/send", 45009), ("message/send", -1)]
    async with wecom_app.server.app[keys.STORE].transaction() as tx:
        assert await tx.outbox.by_status(FAILED) == []


async def test_never_more_than_30_a_minute_to_one_member(wecom, fake_wecom, wecom_app, clock):
    from handlers.chat.contract import Text
    app = wecom_app.server.app
    async with app[keys.STORE].transaction() as tx:
        for i in range(31):
            await tx.outbox.enqueue(key=f"burst:{i}", platform="wecom", target_type="user",
                                    target_id="WangGong", payload=Text(f"通知 {i}").to_payload(),
                                    now=clock())
    await deliver(wecom_app)
    assert len(texts_to(fake_wecom, "WangGong")) == 30
    async with app[keys.STORE].transaction() as tx:
        [waiting] = await tx.outbox.by_status(PENDING)
    assert waiting.payload["text"] == "通知 30" and waiting.next_attempt_at > clock()


PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d4944415478da63000100000500010d0a2db40000000049454e44ae426082")


async def test_photo_and_location_reach_the_handlers(wecom, fake_wecom, wecom_app, clock, tmp_path):
    fake_wecom.media["media-9"] = (PNG, "image/png")
    photo = message_xml("LiGongZhang", "image", clock(), 555,
                        "<PicUrl><![CDATA[http://p.qpic.cn/x]]></PicUrl><MediaId><![CDATA[media-9]]></MediaId>")
    place = message_xml("LiGongZhang", "location", clock(), 556,
                        "<Location_X>30.27</Location_X><Location_Y>120.15</Location_Y><Scale>15</Scale>"
                        "<Label><![CDATA[滨江大道 88 号]]></Label>")
    assert (await wecom.post(photo)).status == 200
    assert (await wecom.post(place)).status == 200
    async with wecom_app.server.app[keys.STORE].transaction() as tx:
        assert await tx.inbound.get("wecom", "555") is not None
        assert await tx.inbound.get("wecom", "556") is not None
    [kept] = list((tmp_path / "media").iterdir())      # our own copy; MediaIds expire in 3 days
    assert kept.read_bytes() == PNG
    gone = message_xml("LiGongZhang", "image", clock(), 557, "<MediaId>media-expired</MediaId>")
    assert (await wecom.post(gone)).status == 200       # download refused: passed on as is
