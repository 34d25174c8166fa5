"""A refused ticket button says who may press it (issue 16), computed from the same rules that
refused it (domain/ticket_rules.py), so it follows the ticket as it changes hands."""
from __future__ import annotations

SITE = "p001-site"
REPORT = "报修 5号楼3层卫生间渗水，比较急"


async def test_refusals_name_the_people_who_may(console):
    await console.say("u-li", SITE, REPORT)
    card = await console.last_bot(SITE)
    out = await console.press("u-wang", SITE, card, "接单")
    assert out["toast"] == {"text": "无权限：只有负责人 赵质检 可以接单", "kind": "error"}
    out = await console.press("u-liu", SITE, card, "已解决")            # the customer
    assert out["toast"]["text"] == "无权限：只有负责人 赵质检 或 项目经理 陈经理 或 部门主管 或 总部客服 可以标记已解决"

    # Handed to 王工: the refusal now names him, not 赵质检.
    await console.press("u-zhao", SITE, card, "转派")
    picker = await console.last_bot(SITE)
    await console.press("u-zhao", SITE, picker, "王工")
    out = await console.click("u-zhao", SITE, card["id"], "ticket.accept", {"ticket": 1})
    assert out["toast"]["text"] == "无权限：只有负责人 王工 可以接单"

    await console.click("u-wang", SITE, card["id"], "ticket.accept", {"ticket": 1})
    await console.click("u-wang", SITE, card["id"], "ticket.resolve", {"ticket": 1})
    out = await console.click("u-wang", SITE, card["id"], "ticket.confirm", {"ticket": 1})
    assert out["toast"] == {"text": "无权限：只有报修人 李工长 可以确认解决", "kind": "error"}


async def test_a_typed_command_is_answered_the_same_way(console):
    await console.say("u-li", SITE, REPORT)
    await console.say("u-li", SITE, "共享 T-1")
    assert await console.last_text(SITE) == "无权限：只有项目经理 陈经理 或 部门主管 或 总部客服 可以共享给客户"
