"""Issue 16, "Quiet, on every platform": one ticket's whole life on WeCom (report, accept,
photo, resolve, confirm, rate), counting what reached each member and the project group.
A member's card changes in place while a single-use response_code is left; after that a
change is one short line, not a fresh copy of the card. The group (appchat, never editable)
gets the card once and then short lines."""
from __future__ import annotations

import json

from tests.platforms.console.test_http_edges import PNG
from tests.platforms.wecom.conftest import deliver, message_xml

REPORT = "报修 P-001 5号楼3层卫生间渗水，比较急"


def cards_to(fake, user: str) -> list[dict]:  # noqa: ANN001
    return [b["template_card"] for b in fake.sent() if b["touser"] == user
            and b["msgtype"] == "template_card"]


def ticket_cards_to(fake, user: str) -> list[dict]:  # noqa: ANN001
    return [c for c in cards_to(fake, user) if c["main_title"]["title"].startswith("工单 T-1")]


def group_posts(fake, chatid: str) -> list[str]:  # noqa: ANN001
    return [b["markdown"]["content"] if b["msgtype"] == "markdown" else b["text"]["content"]
            for b in fake.sent("appchat/send") if b["chatid"] == chatid]


def is_full_card(text: str) -> bool:
    return "负责人：" in text


def button(card: dict, label: str) -> str:
    return next(b["key"] for b in card["button_list"] if b["text"] == label)


def latest_with(fake, user: str, label: str) -> dict:  # noqa: ANN001
    """The card as the member sees it now: an in-place update counts as the card."""
    seen = [c for c in cards_to(fake, user) if any(b["text"] == label for b in c.get("button_list", []))]
    seen += [u["template_card"] for u in fake.sent("message/update_template_card")
             if u["userids"] == [user] and any(b["text"] == label for b in u["template_card"].get("button_list", []))]
    return seen[-1]


def counts(fake, team: str) -> dict[str, int]:  # noqa: ANN001
    group = group_posts(fake, team)
    return {"reporter_ticket_cards": len(ticket_cards_to(fake, "LiGongZhang")),
            "assignee_ticket_cards": len(ticket_cards_to(fake, "ZhaoZhiJian")),
            "in_place_updates": len(fake.sent("message/update_template_card")),
            "group_cards": sum(map(is_full_card, group)), "group_posts": len(group),
            "posts_everywhere": len(fake.sent()) + len(group)}


async def press(wecom, fake, user: str, card: dict, label: str) -> None:  # noqa: ANN001
    await wecom.post(wecom.click_xml(user, card["task_id"], button(card, label), fake.issue_code()))


async def test_one_ticket_life_posts_each_card_once_then_short_lines(wecom, fake_wecom, wecom_app, clock):
    fake = fake_wecom
    await wecom.text("ChenJingLi", "建群 P-001")
    team = fake.sent("appchat/create")[0]["chatid"]
    await deliver(wecom_app)
    start = len(fake.sent()) + len(group_posts(fake, team))
    await wecom.text("LiGongZhang", REPORT)
    await deliver(wecom_app)
    clock.advance(minutes=3)
    await press(wecom, fake, "ZhaoZhiJian", ticket_cards_to(fake, "ZhaoZhiJian")[0], "接单")
    await deliver(wecom_app)
    clock.advance(minutes=1)
    media_id = fake.receive_file(PNG, "site.png")
    await wecom.post(message_xml("LiGongZhang", "image", clock(), 8100000000000000001,
                                 f"<PicUrl><![CDATA[{fake.base_url}/pic.png]]></PicUrl>"
                                 f"<MediaId><![CDATA[{media_id}]]></MediaId>"))
    await deliver(wecom_app)
    clock.advance(minutes=30)
    # The assignee presses 已解决 on the copy he has (his press brings a fresh code).
    await press(wecom, fake, "ZhaoZhiJian", latest_with(fake, "ZhaoZhiJian", "已解决"), "已解决")
    await deliver(wecom_app)
    asked = [b["text"]["content"] for b in fake.sent() if b["touser"] == "ZhaoZhiJian" and b["msgtype"] == "text"]
    assert "做了什么" in asked[-1]
    # What was done: a photo, then the words (his next messages in his chat with the app).
    clock.advance(minutes=1)
    fixed = fake.receive_file(PNG, "fixed.png")
    await wecom.post(message_xml("ZhaoZhiJian", "image", clock(), 8100000000000000002,
                                 f"<PicUrl><![CDATA[{fake.base_url}/fixed.png]]></PicUrl>"
                                 f"<MediaId><![CDATA[{fixed}]]></MediaId>"))
    await deliver(wecom_app)
    await wecom.text("ZhaoZhiJian", "更换了防水层，闭水试验无渗漏")
    await deliver(wecom_app)
    clock.advance(minutes=9)
    ask = latest_with(fake, "LiGongZhang", "确认解决")
    assert "更换了防水层，闭水试验无渗漏 · 照片 1 张" in json.dumps(ask, ensure_ascii=False)
    await press(wecom, fake, "LiGongZhang", ask, "确认解决")
    await deliver(wecom_app)
    survey = [c for c in cards_to(fake, "LiGongZhang") if "打分" in c["main_title"]["title"]][-1]
    await press(wecom, fake, "LiGongZhang", survey, "5 很满意")
    await deliver(wecom_app)
    final = counts(fake, team)
    final["posts_everywhere"] -= start
    print("\nWeCom ticket life:", final)
    assert final["group_cards"] == 1, group_posts(fake, team)
    assert final["reporter_ticket_cards"] <= 2, final   # the report's, the one asking to confirm
    assert final["assignee_ticket_cards"] == 1, final
    lines = [t for t in group_posts(fake, team) if "T-1" in t and not is_full_card(t)]
    assert lines and all(len(t) < 200 for t in lines)
    assert any("已关闭" in t for t in lines)
