"""With a card template configured: ticket cards are DingTalk interactive cards, buttons come
back through the card callback (registered at start, under a secret path), the pressed card
changes in the callback's answer and every other copy by outTrackId."""
from __future__ import annotations

import json

from bot.dingtalk.verify import callback_token
from tests.platforms.dingtalk.driver import APP_SECRET, GROUP

REPORT = "报修 5号楼3层卫生间渗水，比较急"


def press_body(out_track_id: str, user_id: str, button: dict) -> dict:
    content = {"cardPrivateData": {"actionIds": [button["action"]],
                                   "params": {"action": button["action"], "value": button["value"]}}}
    return {"type": "actionCallback", "outTrackId": out_track_id, "userId": user_id,
            "corpId": "dingcorp0000000000000", "content": json.dumps(content, ensure_ascii=False),
            "extension": "{}"}


def card_for(fake, chat_space: str) -> tuple[str, dict]:  # noqa: ANN001
    [(track, body)] = [(t, b) for t, b in fake.cards.items() if b["openSpaceId"].endswith(chat_space)]
    return track, body


async def press(dingtalk, track: str, staff: str, label: str, params: dict) -> dict:  # noqa: ANN001
    button = next(b for b in json.loads(params["buttons"]) if b["text"] == label)
    path = f"/webhooks/dingtalk/card/{callback_token(APP_SECRET, 'card-callback')}"
    response = await dingtalk.client.post(path, json=press_body(track, staff, button))
    assert response.status == 200, await response.text()
    answer = await response.json()
    await dingtalk.deliver()
    return answer


async def test_callback_url_is_registered_at_start(dingtalk_cards):
    [registered] = dingtalk_cards.fake.registered
    assert registered["callbackRouteKey"] == "sitebot" and registered["forceUpdate"] is True
    assert registered["callbackUrl"].endswith(
        "/webhooks/dingtalk/card/" + callback_token(APP_SECRET, "card-callback"))


async def test_report_creates_interactive_cards_in_the_group_and_for_the_assignee(dingtalk_cards):
    fake = dingtalk_cards.fake
    await dingtalk_cards.say("li01", REPORT)
    _, group = card_for(fake, f"IM_GROUP.{GROUP}")
    _, direct = card_for(fake, "IM_ROBOT.zhao01")
    for body in (group, direct):
        params = body["cardData"]["cardParamMap"]
        assert body["cardTemplateId"] == "tpl-sitebot.schema" and body["callbackType"] == "HTTP"
        assert params["title"] == "工单 T-1 · 5号楼3层卫生间渗水"
        assert "**负责人**：赵质检" in params["markdown"]
        assert [b["text"] for b in json.loads(params["buttons"])][:3] == ["接单", "转派", "已解决"]
        assert all(isinstance(v, str) for v in params.values())   # cardParamMap is string-valued
    assert group["imGroupOpenDeliverModel"]["robotCode"] == "dingrobot0000000000"


async def test_accept_changes_the_pressed_card_inline_and_the_others_by_out_track_id(dingtalk_cards):
    fake = dingtalk_cards.fake
    await dingtalk_cards.say("li01", REPORT)
    group_track, group = card_for(fake, f"IM_GROUP.{GROUP}")
    direct_track, _ = card_for(fake, "IM_ROBOT.zhao01")
    answer = await press(dingtalk_cards, group_track, "zhao01", "接单",
                         group["cardData"]["cardParamMap"])
    inline = answer["cardData"]["cardParamMap"]
    assert "处理中 · 赵质检 · 14:00" in inline["markdown"]
    assert "接单" not in [b["text"] for b in json.loads(inline["buttons"])]
    [update] = fake.card_updates                      # the direct copy; the group's was inline
    assert update["outTrackId"] == direct_track
    assert "处理中 · 赵质检 · 14:00" in update["cardData"]["cardParamMap"]["markdown"]
    assert fake.messages_for("zhao01")[-1]["text"] == "已接单"   # the toast, to the presser


async def test_someone_else_pressing_is_told_privately_and_nothing_changes(dingtalk_cards):
    fake = dingtalk_cards.fake
    await dingtalk_cards.say("li01", REPORT)
    track, group = card_for(fake, f"IM_GROUP.{GROUP}")
    answer = await press(dingtalk_cards, track, "wang01", "接单", group["cardData"]["cardParamMap"])
    assert answer == {}                               # the card stays as it is
    assert fake.card_updates == []
    assert fake.messages_for("wang01")[-1]["text"] == "无权限：只有负责人 赵质检 可以接单"
    assert [m for m in fake.messages_to(GROUP) if "无权限" in m["text"]] == []


async def test_card_callback_with_a_wrong_token_or_body_is_refused(dingtalk_cards):
    fake = dingtalk_cards.fake
    await dingtalk_cards.say("li01", REPORT)
    track, group = card_for(fake, f"IM_GROUP.{GROUP}")
    button = json.loads(group["cardData"]["cardParamMap"]["buttons"])[0]
    response = await dingtalk_cards.client.post("/webhooks/dingtalk/card/" + "0" * 32,
                                                json=press_body(track, "zhao01", button))
    assert response.status == 404
    path = f"/webhooks/dingtalk/card/{callback_token(APP_SECRET, 'card-callback')}"
    for body in (b"nope", json.dumps({"outTrackId": track}).encode(),
                 json.dumps(press_body("sb-unknown", "zhao01", button)).encode()):
        assert (await dingtalk_cards.client.post(path, data=body)).status == 400
    await dingtalk_cards.deliver()
    assert fake.card_updates == [] and fake.messages_for("zhao01") == []


async def test_plain_replies_stay_plain_messages(dingtalk_cards):
    await dingtalk_cards.say("li01", "我的工单")
    assert dingtalk_cards.fake.cards == {}
    assert "没有未完成的工单" in dingtalk_cards.last_group()["text"]
