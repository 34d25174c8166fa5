"""Plain sentences through the Feishu edge: signed, encrypted group messages in (the app has
the group-message scope, so it also gets messages that do not @ it), cards out through the
real API client to the fake open platform, presses answered inline."""
from __future__ import annotations

from bot import keys
from domain.store.models import ReportDraft
from tests.platforms.feishu.conftest import SITE
from tests.capture.photos import send_photo
from tests.platforms.feishu.driver import buttons, card_texts

HAZARD = "5号楼电梯口有钢筋没人管，很危险"
DM_LI = "oc_dm_li"      # 李工长's one-to-one chat with the bot, where the proposal lands
CHATTER = ["收到", "明天早上7点开班前会，大家准时", "钢筋到了，卸在北门堆场", "工单太多了",
           "3楼漏水那个已经修好了", "哈哈，今天太阳好大", "今天进场42人"]


async def _tickets(feishu) -> list:
    async with feishu.app[keys.STORE].transaction() as tx:
        return [t for t in [await tx.tickets.get(i) for i in range(1, 10)] if t is not None]


async def test_unasked_hazard_gets_a_private_proposal_and_file_posts_the_ticket_in_the_group(feishu):
    feishu.fake.chats.add(DM_LI)
    await feishu.say("ou_li", SITE, HAZARD, at_bot=False)
    assert feishu.fake.sent(SITE) == []                  # the group hears nothing yet
    [proposal] = feishu.cards("ou_li")                   # to the author, by open_id
    text = card_texts(proposal.body)
    assert "要登记为工单吗？" in text and f"**安全 · 高** · {HAZARD}" in text
    assert set(buttons(proposal.body)) == {"登记", "不用了"}
    answer = await feishu.click("ou_li", DM_LI, proposal.message_id, buttons(proposal.body)["登记"],
                                event_id="evt-file-1")
    assert answer["toast"] == {"type": "success", "content": "已登记为工单 T-1"}
    assert "已登记为工单 T-1" in card_texts(answer["card"]["data"])     # redrawn inline
    [ticket_card] = feishu.cards(SITE)
    assert ticket_card.body["header"]["title"]["content"] == "工单 T-1 · 5号楼电梯口有钢筋没人管"
    assert "孙安全" in card_texts(ticket_card.body)       # 安全 -> the safety officer
    # Feishu delivers the same press again, then the user taps again: still one ticket.
    await feishu.click("ou_li", DM_LI, proposal.message_id, buttons(proposal.body)["登记"],
                       event_id="evt-file-1")
    again = await feishu.click("ou_li", DM_LI, proposal.message_id, buttons(proposal.body)["登记"])
    assert again["toast"]["content"] == "已经登记为工单 T-1"
    assert len(await _tickets(feishu)) == 1 and len(feishu.cards(SITE)) == 1


async def test_group_chatter_gets_nothing(feishu):
    for line in CHATTER:
        await feishu.say("ou_li", SITE, line, at_bot=False)
    assert feishu.fake.sent(SITE) == [] and feishu.fake.sent("ou_li") == []
    assert await _tickets(feishu) == []


async def test_at_bot_sentence_is_a_proposal_at_once_in_the_group(feishu):
    asked = await feishu.say("ou_li", SITE, HAZARD)
    [proposal] = feishu.cards(SITE)
    assert proposal.parent_id == asked and "要登记为工单吗？" in card_texts(proposal.body)
    assert feishu.fake.sent("ou_li") == []
    answer = await feishu.click("ou_li", SITE, proposal.message_id, buttons(proposal.body)["不用了"])
    assert answer["toast"]["content"] == "好的，不登记"
    assert "不用登记" in card_texts(answer["card"]["data"])
    assert await _tickets(feishu) == []


async def test_a_photo_just_before_goes_on_the_proposal_and_the_ticket(feishu):
    feishu.fake.chats.add(DM_LI)
    await send_photo(feishu, "ou_li", SITE)
    assert feishu.fake.sent(SITE) == [] and feishu.fake.sent("ou_li") == []   # kept, quietly
    await feishu.say("ou_li", SITE, HAZARD, at_bot=False)
    [proposal] = feishu.cards("ou_li")
    assert "📷 1 张照片会一起登记" in card_texts(proposal.body)
    await feishu.click("ou_li", DM_LI, proposal.message_id, buttons(proposal.body)["登记"])
    async with feishu.app[keys.STORE].transaction() as tx:
        [photo] = await tx.tickets.attachments(1)
        assert photo.kind == "image" and photo.ref.startswith("/media/")   # our own copy


async def test_a_photo_just_after_joins_the_waiting_proposal(feishu):
    feishu.fake.chats.add(DM_LI)
    await feishu.say("ou_li", SITE, HAZARD, at_bot=False)
    [proposal] = feishu.cards("ou_li")
    await send_photo(feishu, "ou_li", SITE)
    assert len(feishu.fake.sent("ou_li")) == 1 and feishu.fake.sent(SITE) == []
    async with feishu.app[keys.STORE].transaction() as tx:
        draft = await tx.get(ReportDraft, buttons(proposal.body)["登记"]["value"]["draft"])
        assert [a["kind"] for a in draft.attachments] == ["image"]
    await feishu.click("ou_li", DM_LI, proposal.message_id, buttons(proposal.body)["登记"])
    async with feishu.app[keys.STORE].transaction() as tx:
        [photo] = await tx.tickets.attachments(1)
        assert photo.kind == "image" and photo.ref.startswith("/media/")   # our own copy
