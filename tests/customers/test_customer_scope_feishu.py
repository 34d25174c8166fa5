"""Customers see only what is theirs, through Feishu end to end (issue 13, item 3): signed,
encrypted callbacks in, cards out through the real API client to the fake open platform. The
customer groups are bound in chat; the customer reports there; the ticket card there and its
PATCHed versions carry only the customer's buttons; another project's progress is refused."""
from __future__ import annotations

import pytest

from tests.platforms.feishu.conftest import SITE, fake, feishu  # noqa: F401 - the fixtures
from tests.platforms.feishu.driver import buttons, card_texts

P1_CUSTOMERS, P2_CUSTOMERS = "oc_p001customers", "oc_p002customers"


@pytest.fixture
async def groups(feishu, clock):  # noqa: F811
    # Delivery is paced within Feishu's limits: the fixed clock moves on a second at a time
    # while delivering, so what waits for its slot goes out too.
    driver_deliver = feishu.deliver

    async def deliver() -> None:
        await driver_deliver()
        for _ in range(3):
            clock.advance(seconds=1)
            await driver_deliver()
    feishu.deliver = deliver
    feishu.fake.chats |= {P1_CUSTOMERS, P2_CUSTOMERS, "oc_dm_liu"}
    await feishu.say("ou_chen", P1_CUSTOMERS, "绑定 P-001 客户")
    await feishu.say("ou_admin", P2_CUSTOMERS, "绑定 P-002 客户")
    for chat, code in ((P1_CUSTOMERS, "P-001"), (P2_CUSTOMERS, "P-002")):
        [done] = feishu.fake.sent(chat)
        assert f"已绑定到 {code}" in done.body["text"]
    return feishu


async def test_the_customer_groups_ticket_card_has_only_the_customers_buttons(groups):
    edge = groups
    await edge.say("ou_liu", P1_CUSTOMERS, "报修 客厅天花板渗水，比较急")
    [group] = edge.cards(P1_CUSTOMERS)
    [dm] = edge.cards("ou_zhao")                         # the assignee's copy: the team's buttons
    assert buttons(group.body) == {} and "赵质检" in card_texts(group.body)
    assert {"接单", "转派", "已解决", "更正"} <= set(buttons(dm.body))
    # 接单 and 已解决 from the assignee's copy: the group's copy is PATCHed in the customer's form.
    answer = await edge.click("ou_zhao", "oc_dm_zhao", dm.message_id, buttons(dm.body)["接单"])
    assert answer["toast"]["content"] == "已接单"
    assert len(group.versions) == 1 and buttons(group.body) == {} and "处理中" in card_texts(group.body)
    resolve = buttons(answer["card"]["data"])["已解决"]
    answer = await edge.click("ou_zhao", "oc_dm_zhao", dm.message_id, resolve)
    assert set(buttons(group.body)) == {"确认解决", "未解决"}
    # Asked what was done, the assignee answers in the same chat (issue 16) ...
    await edge.say("ou_zhao", "oc_dm_zhao", "重做了防水层", chat_type="p2p", at_bot=False)
    # ... and the customer is asked in their direct chat, in the customer's form, with it.
    asked = [m for m in edge.cards("ou_liu") if m.body["header"]["title"]["content"].startswith("工单 T-1")]
    assert set(buttons(asked[-1].body)) == {"确认解决", "未解决"}
    assert "📝 处理说明：重做了防水层" in card_texts(asked[-1].body)
    assert "📝 处理说明：重做了防水层" in card_texts(group.body)
    # A team button pressed on the customer group's card (forged, or from an old card) does
    # nothing there.
    answer = await edge.click("ou_zhao", P1_CUSTOMERS, group.message_id,
                                {"action": "ticket.reassign", "value": {"ticket": 1}})
    assert answer["toast"]["content"] == "这个按钮只能在项目部群或项目人员的私聊中使用。"
    answer = await edge.click("ou_liu", P1_CUSTOMERS, group.message_id, buttons(group.body)["确认解决"])
    assert answer["toast"]["content"] == "已确认解决，工单关闭"
    assert buttons(answer["card"]["data"]) == {}


async def test_another_projects_progress_is_refused_in_a_customer_group(groups):
    edge = groups
    await edge.say("ou_li", P2_CUSTOMERS, "进度 P-001")        # 李工长 works on both projects
    replies = edge.fake.sent(P2_CUSTOMERS)[1:]
    assert [r.msg_type for r in replies] == ["text"]
    assert replies[0].body["text"] == "本群是 P-002 的客户群，只回答 P-002 的事；P-001 的信息请到它自己的群里查询。"
    await edge.say("ou_li", P2_CUSTOMERS, "进度")
    [card] = edge.cards(P2_CUSTOMERS)
    assert card.body["header"]["title"]["content"] == "项目进度 · P-002 临江三中教学楼改扩建"
    assert "/p/P-002." in str(card.body) and "/p/P-001." not in str(card.body)
    # The team's internal incident: not in the customer's direct chat.
    await edge.say("ou_li", SITE, "报修 5号楼脚手架连墙件松动，安全隐患")
    await edge.say("ou_liu", "oc_dm_liu", "工单 T-1", at_bot=False, chat_type="p2p")
    [reply] = edge.fake.sent("oc_dm_liu")
    assert reply.body["text"] == "这里查不到工单 T-1。"


async def test_a_customer_picking_the_project_in_a_direct_chat_gets_the_customers_card(groups):
    # 刘总 is a contact on P-001 and P-003: his report asks which project. Feishu does not say
    # whether a button was pressed in a direct chat, so the press is known as his by who he is.
    edge = groups
    await edge.say("ou_liu", "oc_dm_liu", "报修 大堂吊顶开裂", at_bot=False, chat_type="p2p")
    [picker] = edge.cards("oc_dm_liu")
    choices = buttons(picker.body)
    assert set(choices) == {"P-001 滨江花园 5 号楼", "P-003 星河广场商业综合体"}
    answer = await edge.click("ou_liu", "oc_dm_liu", picker.message_id, choices["P-003 星河广场商业综合体"])
    assert answer["toast"]["content"] == "已提交为工单 T-1"
    [_, card] = edge.cards("oc_dm_liu")
    assert card.body["header"]["title"]["content"] == "工单 T-1 · 大堂吊顶开裂" and buttons(card.body) == {}
