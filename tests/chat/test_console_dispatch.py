"""The kernel's answers through the web console: unknown commands, empty and huge messages,
and senders who are not registered."""
from __future__ import annotations

SITE = "p001-site"
REPORT = "报修 5号楼3层卫生间渗水，比较急"


async def test_unknown_command_and_empty_and_huge_messages(console):
    await console.say("u-li", SITE, "今天天气不错")
    assert "发送「帮助」" in await console.last_text(SITE)
    await console.say("u-li", SITE, "   ")
    assert "请输入命令" in await console.last_text(SITE)
    await console.say("u-li", SITE, "报修 " + "渗" * 3000)
    assert "消息太长" in await console.last_text(SITE)
    await console.say("u-li", SITE, "我的工单")
    assert "没有未完成的工单" in await console.last_text(SITE)   # the huge report made nothing


async def test_unknown_sender_is_told_how_to_get_access(console):
    await console.say("u-guest", SITE, REPORT)
    text = await console.last_text(SITE)
    assert "还不是 sitebot 的登记成员" in text and "成员 添加" in text
