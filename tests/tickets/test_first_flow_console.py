"""The first flow end to end through the web console over real HTTP: report -> ticket card ->
accept -> card updated in place everywhere; wrong clicker -> 无权限; repeats are harmless."""
from __future__ import annotations

from tests.console_driver import card_text, field, note

SITE = "p001-site"
REPORT = "报修 5号楼3层卫生间渗水，比较急"


async def test_report_creates_ticket_card_assigned_by_rules(console):
    await console.say("u-li", SITE, REPORT)
    card = (await console.last_bot(SITE))["body"]
    assert card["type"] == "card"
    assert card["title"] == "工单 T-1 · 5号楼3层卫生间渗水"
    assert field(card, "类别") == "质量"
    assert field(card, "紧急程度") == "高"
    assert field(card, "负责人") == "赵质检"          # 质量 -> quality officer
    assert field(card, "接单时限") == "11-23 14:30"   # high: accept within 30 min (clock 14:00)
    assert field(card, "状态") == "待接单"
    assert [a["label"] for a in card["actions"]] == ["接单", "转派", "已解决", "更正"]
    # The assignee is told at once, directly.
    dm = await console.last_bot("dm", user="u-zhao")
    assert dm["body"]["title"] == card["title"]


async def test_accept_updates_every_copy_and_repeat_is_harmless(console):
    await console.say("u-li", SITE, REPORT)
    card = await console.last_bot(SITE)
    out = await console.press("u-zhao", SITE, card, "接单")
    assert out["toast"] == {"text": "已接单", "kind": "success"}
    group = await console.last_bot(SITE)
    dm = await console.last_bot("dm", user="u-zhao")
    for copy in (group, dm):
        assert note(copy["body"]) == "处理中 · 赵质检 · 14:00"
        assert [a["label"] for a in copy["body"]["actions"]] == [
            "转派", "等待客户", "等待材料", "已解决", "更正"]
    assert group["id"] == card["id"] and group["version"] == 2   # changed in place, not reposted
    again = await console.click("u-zhao", SITE, card["id"], "ticket.accept", {"ticket": 1})
    assert again["toast"]["text"] == "您已接单，无需重复操作"
    assert (await console.last_bot(SITE))["version"] == 2


async def test_someone_else_clicking_gets_no_permission_and_nothing_changes(console):
    await console.say("u-li", SITE, REPORT)
    card = await console.last_bot(SITE)
    for user in ("u-li", "u-wang", "u-liu"):   # reporter, other engineer, customer
        out = await console.press(user, SITE, card, "接单")
        assert out["toast"] == {"text": "无权限：只有负责人 赵质检 可以接单", "kind": "error"}   # who may, named
    after = await console.last_bot(SITE)
    assert after["version"] == 1 and field(after["body"], "状态") == "待接单"


async def test_duplicate_delivery_has_one_effect(console):
    first = await console.say("u-li", SITE, REPORT, event_id="evt-1")
    second = await console.say("u-li", SITE, REPORT, event_id="evt-1")
    assert (first["duplicate"], second["duplicate"]) == (False, True)
    cards = [m for m in await console.bot_messages(SITE) if m["body"]["type"] == "card"]
    assert len(cards) == 1


async def test_duplicate_click_returns_same_toast_once(console):
    await console.say("u-li", SITE, REPORT)
    card = await console.last_bot(SITE)
    a = await console.click("u-zhao", SITE, card["id"], "ticket.accept", {"ticket": 1}, event_id="c1")
    b = await console.click("u-zhao", SITE, card["id"], "ticket.accept", {"ticket": 1}, event_id="c1")
    assert a["toast"] == b["toast"] and b["duplicate"] is True


async def test_english_report_gets_english_card(console):
    await console.say("u-li", SITE, "report crack in the wall of building 2, not urgent")
    card = (await console.last_bot(SITE))["body"]
    assert card["title"] == "Ticket T-1 · crack in the wall of building 2"
    assert field(card, "Category") == "Quality" and field(card, "Severity") == "Low"


async def test_category_goes_to_the_right_role_and_defaults_to_manager(console):
    await console.say("u-li", SITE, "报修 3号楼脚手架连墙件松动")
    assert field((await console.last_bot(SITE))["body"], "负责人") == "孙安全"
    await console.say("u-li", SITE, "报修 楼道里堆的东西需要清一下")
    assert field((await console.last_bot(SITE))["body"], "负责人") == "陈经理"


async def test_my_tickets_show_ticket_and_help(console):
    await console.say("u-li", SITE, REPORT)
    await console.say("u-zhao", SITE, "我的工单")
    assert "T-1" in await console.last_text(SITE) and "我负责" in await console.last_text(SITE)
    await console.say("u-zhao", SITE, "my tickets")
    assert "My tickets (1)" in await console.last_text(SITE)
    await console.say("u-zhao", SITE, "工单 T-1")
    history = await console.last_text(SITE)
    assert "工单 T-1 处理记录" in history and "李工长 报修" in history
    await console.say("u-zhao", SITE, "帮助 全部")          # 帮助 alone: only what 赵质检 uses
    help_text = await console.last_text(SITE)
    for command in ("报修", "我的工单", "工单", "绑定", "成员"):
        assert f"• {command} —" in help_text
    await console.say("u-zhao", SITE, "help")
    assert "• report —" in await console.last_text(SITE)




async def test_person_not_on_the_project_cannot_report_there(console):
    await console.say("u-sun", "p003-site", "报修 地下室渗水")
    assert await console.last_text("p003-site") == "无权限"
    await console.say("u-chen", "p003-site", "我的工单")
    assert "没有未完成的工单" in await console.last_text("p003-site")


async def test_stale_buttons_answer_clearly(console):
    out = await console.click("u-zhao", SITE, "cm-404", "ticket.accept", {"ticket": 999})
    assert out["toast"]["text"] == "工单 T-999 不存在。"
    out = await console.click("u-zhao", SITE, "cm-404", "ticket.nonsense", {})
    assert "按钮已失效" in out["toast"]["text"]
    out = await console.click("u-zhao", SITE, "cm-404", "ticket.accept", {"ticket": "x"})
    assert "按钮已失效" in out["toast"]["text"]


async def test_resolved_ticket_cannot_be_accepted(console):
    await console.say("u-li", SITE, REPORT)
    card = await console.last_bot(SITE)
    await console.press("u-zhao", SITE, card, "已解决")
    out = await console.click("u-zhao", SITE, card["id"], "ticket.accept", {"ticket": 1})
    assert "当前状态不允许" in out["toast"]["text"]
    final = next(m for m in await console.bot_messages(SITE) if m["id"] == card["id"])
    assert note(final["body"]) == "已解决 · 赵质检 · 14:00"
    # Resolved: only the reporter's confirmation is left to do.
    assert [a["label"] for a in final["body"]["actions"]] == ["确认解决", "未解决"]


async def test_reassign_picks_another_project_member(console):
    await console.say("u-li", SITE, REPORT)
    card = await console.last_bot(SITE)
    denied = await console.press("u-li", SITE, card, "转派")
    assert denied["toast"]["text"] == "无权限：只有负责人 赵质检 或 项目经理 陈经理 或 部门主管 或 总部客服 可以转派"
    await console.press("u-zhao", SITE, card, "转派")
    picker = await console.last_bot(SITE)
    names = [a["label"] for a in picker["body"]["actions"]]
    assert "王工" in names and "赵质检" not in names and "刘总（业主）" not in names
    out = await console.press("u-zhao", SITE, picker, "王工")
    assert out["toast"]["text"] == "已转派给 王工"
    updated = next(m for m in await console.bot_messages(SITE) if m["id"] == card["id"])
    assert field(updated["body"], "负责人") == "王工" and field(updated["body"], "状态") == "待接单"
    assert "工单 T-1" in card_text((await console.last_bot("dm", user="u-wang"))["body"])



async def test_report_in_unbound_chat_uses_the_only_project_or_asks(console):
    await console.say("u-zhao", "dm", "报修 P-003 2号楼外墙空鼓")
    assert "工单 T-1" in await console.last_text("dm", user="u-zhao")
    await console.say("u-zhao", "dm", "报修 2号楼外墙空鼓")          # on P-001 and P-003
    picker = await console.last_bot("dm", user="u-zhao")
    assert picker["body"]["title"] == "报修到哪个项目？"
    assert [a["label"][:5] for a in picker["body"]["actions"]] == ["P-001", "P-003"]
    p001 = next(a for a in picker["body"]["actions"] if a["label"].startswith("P-001"))
    stranger = await console.click("u-wang", "dm", picker["id"], p001["action"], p001["value"])
    assert stranger["toast"]["text"] == "无权限"
    out = await console.click("u-zhao", "dm", picker["id"], p001["action"], p001["value"])
    assert out["toast"]["text"] == "已提交为工单 T-2"
    card = (await console.last_bot("dm", user="u-zhao"))["body"]
    assert card["title"] == "工单 T-2 · 2号楼外墙空鼓" and "P-001" in card_text(card)
    again = await console.click("u-zhao", "dm", picker["id"], p001["action"], p001["value"])
    assert again["toast"]["text"] == "已提交为工单 T-2"
