"""帮助 lists what the asker can use here (issue 16), with examples in their own context;
帮助 全部 lists everything; a customer sees only customer commands, even with 全部."""
from __future__ import annotations

SITE, CUSTOMERS = "p001-site", "grp-p001-customers"


def commands(text: str) -> set[str]:
    return {line[2:].split(" —")[0] for line in text.splitlines() if line.startswith("• ")}


async def test_help_is_by_role_here_with_own_examples(console):
    await console.say("u-li", SITE, "报修 5号楼3层卫生间渗水，比较急")   # 赵质检's open ticket: T-1
    await console.say("u-zhao", SITE, "帮助")
    mine = await console.last_text(SITE)
    assert {"报修", "我的工单", "工单", "评价", "进度", "日志"} <= commands(mine)
    assert not commands(mine) & {"绑定", "成员", "回款", "超时工单", "共享", "变更", "商机", "推荐"}
    assert "例：工单 T-1" in mine and "T-12" not in mine            # their open ticket
    assert "发送「帮助 全部」" in mine
    await console.say("u-chen", SITE, "帮助")                        # the project manager
    manager = commands(await console.last_text(SITE))
    assert {"绑定", "成员", "超时工单", "共享", "变更", "回款", "节点"} <= manager
    await console.say("u-zhao", SITE, "帮助 全部")
    everything = commands(await console.last_text(SITE))
    assert {"绑定", "成员", "回款", "商机", "变更", "报表"} <= everything
    await console.say("u-zhao", SITE, "help")
    assert "report" in commands(await console.last_text(SITE))


async def test_customer_sees_customer_commands_only(console):
    await console.say("u-chen", CUSTOMERS, "绑定 P-001 客户")
    await console.say("u-liu", CUSTOMERS, "帮助")
    customer = await console.last_text(CUSTOMERS)
    assert {"报修", "我的工单", "工单", "进度", "推荐"} <= commands(customer)
    assert not commands(customer) & {"日志", "完成", "绑定", "成员", "回款", "变更", "我是谁"}
    await console.say("u-liu", CUSTOMERS, "帮助 全部")
    assert not commands(await console.last_text(CUSTOMERS)) & {"回款", "变更", "商机", "报表"}
