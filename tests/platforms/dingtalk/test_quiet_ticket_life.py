"""Issue 16, "Quiet, on every platform": one ticket's whole life on DingTalk (report, accept,
photo, resolve, confirm, rate), counting what reached each chat. Robot messages cannot be
edited, so the group gets the full card once and then at most one short line per state
change; with a card template the card changes in place and nothing new is posted."""
from __future__ import annotations

import copy
import uuid

from tests.platforms.console.test_http_edges import PNG
from tests.platforms.dingtalk.driver import GROUP, sample
from tests.platforms.dingtalk.test_interactive_cards import card_for, press

REPORT = "报修 5号楼3层卫生间渗水，比较急"
LI_DM = "cidSingleLi=="


def is_full_card(message: dict) -> bool:
    """A whole ticket card shows its fields ("- **负责人**：…"); a short line does not."""
    return "**负责人**" in message["text"] or "**Assignee**" in message["text"]


def counts(fake) -> dict[str, int]:  # noqa: ANN001
    group = fake.messages_to(GROUP)
    everywhere = [m for _, m in fake.timeline]
    return {"group_cards": sum(map(is_full_card, group)),
            "group_posts": len(group),
            "cards_everywhere": sum(map(is_full_card, everywhere)),
            "posts_everywhere": len(everywhere)}


async def send_picture(dingtalk, staff: str) -> None:  # noqa: ANN001
    code = "dlcode" + uuid.uuid4().hex[:8]
    dingtalk.fake.files[code] = (PNG, "image/png")
    body = copy.deepcopy(sample("single_picture"))
    msg_id = "msg" + uuid.uuid4().hex
    now = int(dingtalk.clock().timestamp() * 1000)
    body.update(conversationId=GROUP, conversationType="2", senderStaffId=staff, msgId=msg_id,
                content={"downloadCode": code, "pictureDownloadCode": "p" + code}, createAt=now,
                sessionWebhook=f"{dingtalk.base}/robot/sendBySession/{GROUP}-{msg_id}",
                sessionWebhookExpiredTime=now + 3_600_000)
    assert (await dingtalk.post(body)).status == 200
    await dingtalk.deliver()


def with_button(messages: list[dict], label: str) -> dict:
    return [m for m in messages if label in m["buttons"]][-1]


async def live_a_ticket(dingtalk, clock) -> list[tuple[str, dict[str, int]]]:  # noqa: ANN001
    """The life, step by step; (step, counts after it)."""
    steps = []
    await dingtalk.say("li01", REPORT)
    steps.append(("report", counts(dingtalk.fake)))
    clock.advance(minutes=3)
    await dingtalk.press("zhao01", with_button(dingtalk.group_messages(), "接单"), "接单")
    steps.append(("accept", counts(dingtalk.fake)))
    clock.advance(minutes=1)
    await send_picture(dingtalk, "li01")
    steps.append(("photo", counts(dingtalk.fake)))
    clock.advance(minutes=30)
    await dingtalk.press("zhao01", with_button(dingtalk.group_messages(), "已解决"), "已解决")
    steps.append(("resolve", counts(dingtalk.fake)))
    clock.advance(minutes=2)
    await dingtalk.say("zhao01", "更换了防水层，闭水试验无渗漏")     # what was done, asked for
    steps.append(("note", counts(dingtalk.fake)))
    clock.advance(minutes=8)
    ask = with_button(dingtalk.fake.messages_for("li01"), "确认解决")
    assert "处理说明：更换了防水层，闭水试验无渗漏" in ask["text"]   # read before confirming
    await dingtalk.press("li01", ask, "确认解决", chat=LI_DM, group=False, session=False)
    steps.append(("confirm", counts(dingtalk.fake)))
    survey = with_button(dingtalk.fake.messages_for("li01"), "5 很满意")
    await dingtalk.press("li01", survey, "5 很满意", chat=LI_DM, group=False, session=False)
    steps.append(("rate", counts(dingtalk.fake)))
    print("\nDingTalk ticket life:", " ".join(f"{step}={c}" for step, c in steps))
    for chat, m in dingtalk.fake.timeline:
        print("  ", chat[:14], m["kind"], m["text"][:70].replace("\n", " "), list(m["buttons"]))
    return steps


async def test_one_ticket_life_posts_its_card_to_the_group_once(dingtalk, clock):
    steps = await live_a_ticket(dingtalk, clock)
    final = steps[-1][1]
    assert final["group_cards"] == 1
    # report + at most one short line per state change (accept, resolve, close) and the
    # presses' own answers ("赵质检：已接单" ...).
    group = dingtalk.group_messages()
    lines = [m for m in group if not is_full_card(m)]
    assert all(len(m["text"]) < 200 for m in lines), lines
    assert final["group_posts"] <= 1 + 2 * 3 + 1, [m["text"] for m in group]
    # The latest state is in the group all the same, with what can be pressed now.
    assert "已关闭" in group[-1]["text"] or any("已关闭" in m["text"] for m in lines)
    assert final["cards_everywhere"] <= 5, final   # group, assignee, confirmer, survey, ...


async def test_the_short_line_carries_the_buttons_of_the_new_state(dingtalk, clock):
    await dingtalk.say("li01", REPORT)
    await dingtalk.press("zhao01", with_button(dingtalk.group_messages(), "接单"), "接单")
    line = [m for m in dingtalk.group_messages() if "处理中" in m["text"]][-1]
    assert not is_full_card(line) and "T-1" in line["text"]
    assert "已解决" in line["buttons"] and "接单" not in line["buttons"]
    await dingtalk.press("zhao01", line, "已解决")
    assert any("已解决 · 赵质检" in m["text"] for m in dingtalk.group_messages())


async def test_with_a_card_template_nothing_new_is_posted_after_the_card(dingtalk_cards, clock):
    dingtalk, fake = dingtalk_cards, dingtalk_cards.fake
    await dingtalk.say("li01", REPORT)
    track, group = card_for(fake, f"IM_GROUP.{GROUP}")
    await press(dingtalk, track, "zhao01", "接单", group["cardData"]["cardParamMap"])
    clock.advance(minutes=30)
    now = fake.cards[track]["cardData"]["cardParamMap"]
    await press(dingtalk, track, "zhao01", "已解决", now)
    in_group = [b for b in fake.cards.values() if b["openSpaceId"].endswith(GROUP)]
    print("\nDingTalk (card template) group: cards created", len(in_group),
          "robot messages", len(fake.messages_to(GROUP)), "card updates", len(fake.card_updates))
    assert len(in_group) == 1
    assert not any(is_full_card(m) for m in fake.messages_to(GROUP))


async def test_redraws_queued_together_collapse_into_the_latest(dingtalk, clock):
    """接单 and 已解决 pressed before the first redraw went out: each copy is told once, in the
    latest state (a newer redraw of the same card and chat replaces the pending one)."""
    await dingtalk.say("li01", REPORT)
    card = with_button(dingtalk.group_messages(), "接单")
    await dingtalk.press("zhao01", card, "接单", deliver=False)
    await dingtalk.press("zhao01", card, "已解决", deliver=False)
    await dingtalk.deliver()
    after = dingtalk.group_messages()[1:]
    assert [m["text"] for m in after if "处理中" in m["text"]] == []
    assert len([m for m in after if "已解决 · 赵质检" in m["text"]]) == 1
    assert len(dingtalk.fake.messages_for("zhao01")) == 2     # the card, then one line
