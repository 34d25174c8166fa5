"""已解决 asks what was done, on Feishu (issue 16): signed, encrypted callbacks in, the real API
client out to the fake open platform. The assignee resolves on the group's card, is asked in
the group, sends a photo and then the words (plain group messages, not addressed to the bot);
the group's card is PATCHed to show them, and the reporter is asked in a direct message with
the card that shows the note and photo count, before pressing 确认解决."""
from __future__ import annotations

import uuid

from tests.capture.photos import PNG
from tests.platforms.feishu.conftest import SITE, fake, feishu  # noqa: F401 - the fixtures
from tests.platforms.feishu.driver import CONTENTS, buttons, card_texts, message_event

REPORT = "报修 5号楼3层卫生间渗水，比较急"


async def send_photo(feishu, sender: str, chat: str) -> None:  # noqa: ANN001, F811
    message_id = f"om_photo_{uuid.uuid4().hex[:8]}"
    event = message_event(sender, chat, CONTENTS["image"], message_type="image", message_id=message_id)
    feishu.fake.receive(message_id, chat, sender)
    feishu.fake.resources[(message_id, CONTENTS["image"]["image_key"])] = (PNG, "image/png")
    assert (await feishu.post(event)).status == 200
    await feishu.deliver()


def texts(feishu, receive_id: str) -> list[str]:  # noqa: ANN001, F811
    return [m.body["text"] for m in feishu.fake.sent(receive_id) if m.msg_type == "text"]


async def test_the_reporter_reads_what_was_done_before_confirming(feishu, clock):  # noqa: F811
    # Delivery is paced within Feishu's limits: the fixed clock moves on a second at a time
    # while delivering, so what waits for its slot goes out too.
    driver_deliver = feishu.deliver

    async def deliver() -> None:
        await driver_deliver()
        for _ in range(3):
            clock.advance(seconds=1)
            await driver_deliver()
    feishu.deliver = deliver
    await feishu.say("ou_li", SITE, REPORT)
    [card] = feishu.cards(SITE)
    answer = await feishu.click("ou_zhao", SITE, card.message_id, buttons(card.body)["接单"])
    answer = await feishu.click("ou_zhao", SITE, card.message_id, buttons(answer["card"]["data"])["已解决"])
    assert answer["toast"]["content"] == "已标记为解决"
    assert "赵质检，工单 T-1 已标记解决。做了什么？" in texts(feishu, SITE)[-1]
    assert [m for m in feishu.cards("ou_li")] == []                 # not asked yet
    await send_photo(feishu, "ou_zhao", SITE)
    await feishu.say("ou_li", SITE, "好的", at_bot=False)            # someone else: not the note
    await feishu.say("ou_zhao", SITE, "更换了防水层，闭水试验无渗漏", at_bot=False)
    assert texts(feishu, SITE)[-1] == "已记下工单 T-1 的处理说明。"
    # The group's copy is PATCHed to show it; the reporter is asked with it.
    assert "📝 处理说明：更换了防水层，闭水试验无渗漏 · 照片 1 张" in card_texts(card.body)
    [ask] = feishu.cards("ou_li")
    assert "📝 处理说明：更换了防水层，闭水试验无渗漏 · 照片 1 张" in card_texts(ask.body)
    assert "标记为已解决，请确认" in texts(feishu, "ou_li")[-1]
    answer = await feishu.click("ou_li", "oc_dm_li", ask.message_id, buttons(ask.body)["确认解决"])
    assert answer["toast"]["content"] == "已确认解决，工单关闭"
    assert "好的" not in card_texts(answer["card"]["data"])
