"""WeCom's template card text fields are plain text (main_title, sub_title_text "二级普通文本",
horizontal_content_list "二级文本"): the cards' markdown marks are taken out there, or the
member saw 「✅ **通过**」 with its asterisks. The group's markdown copy keeps them."""
from __future__ import annotations

import json

from tests.platforms.wecom.test_wecom_tickets import texts_to
from tests.site.test_site_wecom import ASK, LI, LIU, _accept_cards, _press, _say

MARKS = ("**", "~~", "`", "<font", "](")


def shown(card: dict) -> list[str]:
    """Every text the member sees on a template card."""
    texts = [card["main_title"]["title"], card["main_title"].get("desc", ""), card.get("sub_title_text", "")]
    texts += [f"{f['keyname']} {f['value']}" for f in card.get("horizontal_content_list", [])]
    texts += [b["text"] for b in card.get("button_list", [])]
    return texts


async def test_a_decided_acceptance_card_shows_no_markup(wecom, fake_wecom, wecom_app):
    fake, client = fake_wecom, wecom_app
    await _say(wecom, client, LI, ASK)
    [card] = _accept_cards(fake, LIU)
    await _press(wecom, fake, client, LIU, card, "通过")
    [decided] = [u["template_card"] for u in fake.sent("message/update_template_card") if u["userids"] == [LIU]]
    text = "\n".join(shown(decided))
    assert "✅ 通过 · 刘总（业主） · " in text, text
    assert not [mark for mark in MARKS if mark in text], text


async def test_a_failed_acceptance_with_its_reason_shows_no_markup(wecom, fake_wecom, wecom_app):
    fake, client = fake_wecom, wecom_app
    await _say(wecom, client, LI, ASK)
    await _say(wecom, client, LIU, "验收 不通过 YS-1 保护层不足，垫块缺失")
    assert texts_to(fake, LIU)[-1] == "验收单 YS-1：不通过"
    redrawn = [u["template_card"] for u in fake.sent("message/update_template_card")]
    redrawn += [b["template_card"] for b in fake.sent() if b.get("msgtype") == "template_card"]
    decided = [c for c in redrawn if "保护层不足，垫块缺失" in json.dumps(c, ensure_ascii=False)]
    assert decided
    for card in decided:
        text = "\n".join(shown(card))
        assert "❌ 不通过 · 刘总（业主）" in text and "原因：保护层不足，垫块缺失" in text, text
        assert not [mark for mark in MARKS if mark in text], text
