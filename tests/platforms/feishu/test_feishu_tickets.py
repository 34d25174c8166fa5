"""The ticket flow through Feishu end to end: signed, encrypted callbacks in; cards out through
the real API client to the fake open platform; clicks answered inline within the deadline
and other copies PATCHed."""
from __future__ import annotations

import json

from bot import keys
from bot.feishu.edge import FEISHU_EDGE
from bot.inbound import Answering
from tests.platforms.feishu.conftest import LOBBY, SITE
from tests.platforms.feishu.driver import BOT, buttons, card_texts, message_event, sample

REPORT = "报修 5号楼3层卫生间渗水，比较急"


async def test_report_sends_a_ticket_card_in_reply_and_to_the_assignee(feishu):
    asked = await feishu.say("ou_li", SITE, REPORT)
    [group_card] = feishu.cards(SITE)
    card = group_card.body
    assert group_card.parent_id == asked                       # answered in reply to the report
    assert card["schema"] == "2.0" and card["config"]["update_multi"] is True
    assert card["header"]["title"]["content"] == "工单 T-1 · 5号楼3层卫生间渗水"
    assert "赵质检" in card_texts(card) and "待接单" in card_texts(card)
    assert "接单" in buttons(card)
    assert buttons(card)["接单"] == {"action": "ticket.accept", "value": {"ticket": 1}}
    [dm] = feishu.cards("ou_zhao")                              # the assignee, by open_id
    assert dm.body["header"] == card["header"]


async def test_accept_answers_inline_and_patches_the_other_copy(feishu):
    await feishu.say("ou_li", SITE, REPORT)
    [group_card] = feishu.cards(SITE)
    [dm] = feishu.cards("ou_zhao")
    answer = await feishu.click("ou_zhao", SITE, group_card.message_id,
                                buttons(group_card.body)["接单"])
    assert answer["toast"] == {"type": "success", "content": "已接单"}
    inline = answer["card"]
    assert inline["type"] == "raw" and "处理中 · 赵质检" in card_texts(inline["data"])
    assert "接单" not in buttons(inline["data"])
    # The clicked copy is redrawn by the answer itself, not PATCHed; the DM copy is PATCHed.
    assert group_card.versions == []
    assert len(dm.versions) == 1 and "处理中 · 赵质检" in card_texts(dm.body)
    assert ("PATCH", f"/open-apis/im/v1/messages/{dm.message_id}") in feishu.fake.calls


async def test_someone_else_clicking_gets_no_permission_and_nothing_changes(feishu):
    await feishu.say("ou_li", SITE, REPORT)
    [group_card] = feishu.cards(SITE)
    for person in ("ou_li", "ou_wang", "ou_liu"):
        answer = await feishu.click(person, SITE, group_card.message_id,
                                    buttons(group_card.body)["接单"])
        assert answer == {"toast": {"type": "error", "content": "无权限：只有负责人 赵质检 可以接单"}}
    assert not any(method == "PATCH" for method, _ in feishu.fake.calls)


async def test_stranger_click_is_refused_politely(feishu):
    await feishu.say("ou_li", SITE, REPORT)
    [group_card] = feishu.cards(SITE)
    answer = await feishu.click("ou_stranger", SITE, group_card.message_id,
                                buttons(group_card.body)["接单"])
    assert answer["toast"]["content"] == "无权限"


async def test_duplicate_message_delivery_has_one_effect(feishu):
    # Feishu may push the same message again with a new event_id: de-duplicated on message_id.
    first = message_event("ou_li", SITE, {"text": f"@_user_1 {REPORT}"},
                          mentions=[("@_user_1", BOT, "sitebot")], message_id="om_same")
    second = json.loads(json.dumps(first))
    second["header"]["event_id"] = "another-event-id"
    feishu.fake.receive("om_same", SITE, "ou_li")
    for payload in (first, second, first):
        assert (await feishu.post(payload)).status == 200
    await feishu.deliver()
    assert len(feishu.cards(SITE)) == 1


async def test_duplicate_click_returns_the_same_toast_once(feishu):
    await feishu.say("ou_li", SITE, REPORT)
    [group_card] = feishu.cards(SITE)
    value = buttons(group_card.body)["接单"]
    a = await feishu.click("ou_zhao", SITE, group_card.message_id, value, event_id="evt-click-1")
    b = await feishu.click("ou_zhao", SITE, group_card.message_id, value, event_id="evt-click-1")
    assert a["toast"] == b["toast"] == {"type": "success", "content": "已接单"}
    assert "card" not in b
    [dm] = feishu.cards("ou_zhao")
    assert len(dm.versions) == 1


async def test_unknown_sender_is_greeted_not_ignored(feishu):
    await feishu.say("ou_newcomer", SITE, "我的工单")
    [reply] = feishu.fake.sent(SITE)
    assert reply.msg_type == "text" and "还不是 sitebot 的登记成员" in reply.body["text"]


async def test_group_chatter_without_mention_gets_no_answer(feishu):
    await feishu.say("ou_li", SITE, "今天下午三点开会", at_bot=False)
    assert feishu.fake.sent(SITE) == []


async def test_direct_chat_needs_no_mention(feishu):
    await feishu.say("ou_li", "oc_dm_li", "我的工单", at_bot=False, chat_type="p2p")
    assert len(feishu.fake.sent("oc_dm_li")) == 1


async def test_bot_added_to_a_group_posts_the_welcome_card(feishu):
    payload = sample("bot_added.json")
    payload["event"]["chat_id"] = LOBBY
    assert (await feishu.post(payload)).status == 200
    await feishu.deliver()
    [welcome] = feishu.cards(LOBBY)
    assert "绑定" in card_texts(welcome.body)
    # Pushed again: one welcome only.
    assert (await feishu.post(payload)).status == 200
    await feishu.deliver()
    assert len(feishu.cards(LOBBY)) == 1


async def test_slow_click_is_acked_first_and_the_card_updated_with_the_callback_token(feishu):
    await feishu.say("ou_li", SITE, REPORT)
    [group_card] = feishu.cards(SITE)
    feishu.app[FEISHU_EDGE].answering = Answering(deadline=0.0)  # as if the database were slow
    answer = await feishu.click("ou_zhao", SITE, group_card.message_id,
                                buttons(group_card.body)["接单"])
    assert answer == {}
    await feishu.app[keys.INBOUND].settle()
    [(token, card)] = feishu.fake.card_updates
    assert token.startswith("c-") and "处理中 · 赵质检" in card_texts(card)
    async with feishu.app[keys.STORE].transaction() as tx:
        ticket = await tx.tickets.get(1)
    assert ticket.status == "in_progress"


PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32


async def _report_with_photo(feishu, message_id: str):
    from tests.platforms.feishu.driver import CONTENTS
    payload = message_event("ou_li", SITE, CONTENTS["post"], message_type="post", message_id=message_id,
                            mentions=[("@_user_1", BOT, "sitebot"), ("@_user_2", "ou_wang", "王工")])
    feishu.fake.receive(message_id, SITE, "ou_li")
    assert (await feishu.post(payload)).status == 200
    await feishu.deliver()
    async with feishu.app[keys.STORE].transaction() as tx:
        return await tx.tickets.attachments(1)


async def test_a_photo_in_the_report_is_kept_and_attached_to_the_ticket(feishu):
    feishu.fake.resources[("om_photo_report", "img_v2_post_0001")] = (PNG, "image/png")
    [photo] = await _report_with_photo(feishu, "om_photo_report")
    assert photo.kind == "image" and photo.ref.startswith("/media/")
    served = await feishu.client.get(photo.ref)
    assert await served.read() == PNG


async def test_a_photo_that_cannot_be_downloaded_keeps_its_feishu_ref(feishu):
    [photo] = await _report_with_photo(feishu, "om_photo_gone")
    assert photo.ref == "om_photo_gone/img_v2_post_0001"
