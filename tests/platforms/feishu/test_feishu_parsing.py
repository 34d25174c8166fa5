"""Feishu payloads -> neutral events, Feishu card JSON from neutral cards, and the crypto
against the official vector."""
from __future__ import annotations

import base64
import json

import pytest
from lark_oapi.core.utils import AESCipher

from bot.feishu import cards, events, verify
from handlers.chat.cards import Button, Card, Field, Fields, Image, LinkButton, Markdown, Note, Progress
from handlers.chat.contract import Attachment, CardClick, Joined, Mention, Message
from tests.platforms.feishu.driver import BOT, CONTENTS, click_event, message_event, sample
from tests.platforms.feishu.signing import encrypt, sign


# -- crypto --------------------------------------------------------------------------------

def test_official_decryption_vector():
    # PLATFORMS.md §0.3: Feishu's "事件解密" sample, used by many independent SDKs.
    assert verify.decrypt_text("test key", "P37w+VZImNgPEO1RBhJ6RtKl7n6zymIbEG1pReEzghk=") == "hello world"
    assert AESCipher("test key").decrypt_str("P37w+VZImNgPEO1RBhJ6RtKl7n6zymIbEG1pReEzghk=") == "hello world"


def test_our_envelope_round_trips_with_a_fixed_iv():
    sealed = encrypt("test key", '{"a": 1}', iv=b"0123456789abcdef")
    assert base64.b64decode(sealed)[:16] == b"0123456789abcdef"   # the IV travels in front
    assert verify.decrypt("test key", sealed) == {"a": 1}


def test_signature_is_plain_sha256_over_the_concatenation():
    body = b'{"encrypt":"x"}'
    assert verify.signature("1700000000", "abc123nonce", "test key", body) == sign(
        "1700000000", "abc123nonce", "test key", body)
    headers = {"X-Lark-Request-Timestamp": "1700000000", "X-Lark-Request-Nonce": "abc123nonce",
               "X-Lark-Signature": sign("1700000000", "abc123nonce", "test key", body)}
    verify.check_signature(headers, "test key", body)
    with pytest.raises(verify.Refused):
        verify.check_signature(headers, "test key", body + b" ")


# -- events --------------------------------------------------------------------------------

def parse(payload, bot=BOT):
    return events.to_neutral(payload, bot)


def test_text_with_the_bot_and_a_colleague_mentioned():
    payload = message_event("ou_li", "oc_1", {"text": "@_user_1 成员 添加 @_user_2 P-001 工程师"},
                            mentions=[("@_user_1", BOT, "sitebot"), ("@_user_2", "ou_wang", "王工")],
                            message_id="om_1")
    message = parse(payload)
    assert isinstance(message, Message)
    assert message.text == "成员 添加 @王工 P-001 工程师"
    assert message.mentions == (Mention("ou_wang", "王工"),)
    assert message.addressed and message.event_id == "om_1" and message.message_id == "om_1"
    assert message.actor.user_id == "ou_li" and message.conversation.is_group


def test_group_message_without_the_bot_is_not_addressed():
    message = parse(message_event("ou_li", "oc_1", {"text": "收到"}))
    assert message.text == "收到" and not message.addressed


def test_unknown_bot_id_takes_a_leading_mention_for_us():
    payload = message_event("ou_li", "oc_1", {"text": "@_user_1 我的工单"},
                            mentions=[("@_user_1", "ou_whoever", "sitebot")])
    message = parse(payload, bot=None)
    assert message.addressed and message.text == "我的工单" and message.mentions == ()


def test_p2p_is_addressed():
    message = parse(message_event("ou_li", "oc_dm", {"text": "帮助"}, chat_type="p2p"))
    assert message.addressed and not message.conversation.is_group


def test_image_message_becomes_an_image_attachment():
    message = parse(message_event("ou_li", "oc_1", CONTENTS["image"], message_type="image",
                                  message_id="om_img"))
    assert message.text == ""
    assert message.attachments == (Attachment("image", ref=f"om_img/{CONTENTS['image']['image_key']}"),)


def test_location_message_becomes_a_location_attachment():
    message = parse(message_event("ou_li", "oc_1", CONTENTS["location"], message_type="location"))
    [place] = message.attachments
    assert (place.kind, place.name, place.latitude, place.longitude) == (
        "location", "滨江花园 5 号楼", 30.2084, 120.2105)


def test_location_without_coordinates_is_not_read():
    payload = message_event("ou_li", "oc_1", {"name": "x", "latitude": "north"},
                            message_type="location")
    assert parse(payload) is None


def test_rich_text_post_gives_text_mentions_and_photos():
    payload = message_event("ou_li", "oc_1", CONTENTS["post"], message_type="post", message_id="om_p",
                            mentions=[("@_user_1", BOT, "sitebot"), ("@_user_2", "ou_wang", "王工")])
    message = parse(payload)
    assert message.text == "报修\n报修 3号楼外墙脱落 @王工"
    assert message.attachments == (Attachment("image", ref="om_p/img_v2_post_0001"),)
    assert message.addressed


def test_stickers_are_not_for_us():
    assert parse(message_event("ou_li", "oc_1", CONTENTS["sticker"], message_type="sticker")) is None


def test_card_click():
    click = parse(click_event("ou_zhao", "oc_1", "om_card", {"action": "ticket.accept",
                                                            "value": {"ticket": 3}}, "evt-9"))
    assert click == CardClick("feishu", "evt-9", click.actor, click.conversation,
                              "ticket.accept", {"ticket": 3}, "om_card")
    assert click.actor.user_id == "ou_zhao" and click.conversation.chat_id == "oc_1"


def test_card_click_with_a_foreign_value_is_a_stale_button():
    click = parse(click_event("ou_zhao", "oc_1", "om_card", {"key_1": "value_1"}))
    assert click.action == "" and click.value == {}


def test_bot_added():
    joined = parse(sample("bot_added.json"))
    assert isinstance(joined, Joined)
    assert joined.conversation.chat_id == "oc_9e9619b938c9571c1c3165681cdaead5"
    assert joined.conversation.title == "P-001 项目部群"
    assert joined.actor.user_id == "ou_84aad35d084aa403a838cf73ee18467"
    assert joined.event_id == "0a7b3c8c2e7b4f1d9a8e6c5b4a3f2e1d"


def test_wrong_shapes_are_unreadable():
    payload = message_event("ou_li", "oc_1", {"text": "x"})
    payload["event"]["message"]["mentions"] = "everyone"
    with pytest.raises(events.Unreadable):
        parse(payload)


# -- cards ---------------------------------------------------------------------------------

CARD = Card("工单 T-1 · 渗水", "orange", (
    Fields((Field("状态", "待接单"), Field("负责人", "赵质检"), Field("描述", "5号楼<at id=all></at>", False))),
    Markdown("**注意** 安全"), Progress("主体结构", 45), Image("img_v3_x", "现场"),
    Image("https://example.com/p.png", "外链"), Note("处理中 · 赵质检 · 14:00")),
    (Button("接单", "ticket.accept", {"ticket": 1}, "primary"), Button("拒绝", "x.no", {}, "danger"),
     LinkButton("详情", "https://example.com/t/1")), "ticket:1")


def test_card_renders_to_json_2_with_mobile_friendly_layout():
    from tests.platforms.feishu.fake_open_platform import check_card
    rendered = cards.render(CARD, lambda ref: ref if ref.startswith("img_") else None)
    check_card(rendered)                        # only documented JSON 2.0 attributes
    assert rendered["header"]["template"] == "orange"
    elements = rendered["body"]["elements"]
    pair, long = elements[0], elements[1]
    assert pair["flex_mode"] == "bisect" and len(pair["columns"]) == 2
    assert long == {"tag": "markdown", "content": "**描述**\n5号楼&#60;at id=all&#62;&#60;/at&#62;"}
    assert "45%" in elements[3]["content"] and "████" in elements[3]["content"]
    assert elements[4] == {"tag": "img", "img_key": "img_v3_x", "alt": {"tag": "plain_text", "content": "现场"}}
    assert elements[5]["content"] == "[外链](https://example.com/p.png)"
    assert elements[6]["text_size"] == "notation"
    actions = elements[-1]
    assert actions["flex_mode"] == "flow"
    accept, reject, link = (c["elements"][0] for c in actions["columns"])
    assert accept["type"] == "primary" and reject["type"] == "danger"
    assert accept["behaviors"] == [{"type": "callback", "value": {"action": "ticket.accept", "value": {"ticket": 1}}}]
    assert link["behaviors"] == [{"type": "open_url", "default_url": "https://example.com/t/1"}]


def test_oversized_card_is_cut_to_fit_and_keeps_its_buttons():
    big = Card("长", blocks=tuple(Markdown("很长的描述" * 400) for _ in range(10)),
               actions=(Button("接单", "ticket.accept", {"ticket": 1}),))
    rendered = cards.render(big)
    assert len(json.dumps(rendered, ensure_ascii=False).encode()) <= cards.MAX_CARD_BYTES
    assert rendered["body"]["elements"][-1]["tag"] == "column_set"
