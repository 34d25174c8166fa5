"""Binding a chat to a project and managing its members through the web console: only the
project manager may, and the new member is assigned at once."""
from __future__ import annotations

from tests.console_driver import field


async def test_pm_binds_a_chat_and_manages_members(console):
    await console.say("u-li", "new-group", "绑定 P-003 客户")
    assert await console.last_text("new-group") == "无权限"
    await console.say("u-chen", "new-group", "绑定 P-003 客户")
    assert "已绑定到 P-003" in await console.last_text("new-group")
    await console.say("u-chen", "new-group", "成员 添加 @孙安全 安全员")
    assert "已把 孙安全 加入 P-003" in await console.last_text("new-group")
    await console.say("u-sun", "new-group", "报修 地下室临边防护缺失")
    assert field((await console.last_bot("new-group"))["body"], "负责人") == "孙安全"
    await console.say("u-chen", "new-group", "成员 P-003")
    assert "孙安全 · 安全员" in await console.last_text("new-group")
    await console.say("u-chen", "new-group", "成员 添加 王工 P-003 木匠")
    assert "不认识的角色" in await console.last_text("new-group")
    await console.say("u-chen", "new-group", "成员 移除 孙安全")
    assert "已把 孙安全 移出 P-003" in await console.last_text("new-group")
