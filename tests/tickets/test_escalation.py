"""The SLA scan against the real app with a fixed clock: the 75 % warning, 项目部 then 总部
with 接管 and a note in the project group, repeats at the top, nothing while paused, one
catch-up after downtime, and every step once however often the scan runs."""
from __future__ import annotations

from tests.console_driver import card_text, field, note
from tests.tickets.helpers import (OWNER, SITE, audit_actions, cards, event_kinds, labels, report,
                                   run_scan, texts, ticket)


async def test_warning_at_75_percent_goes_to_the_assignee_once(console, clock):
    await report(console)
    clock.advance(minutes=22)
    assert await run_scan(console) == 0                    # 22 of 30 min: not yet
    clock.advance(seconds=30)
    assert await run_scan(console) == 1
    warning = (await texts(console, "dm", "u-zhao"))[-1]
    assert "T-1" in warning and "接单时限已过 75%" in warning and "11-23 14:30" in warning
    assert await run_scan(console) == 0                    # once
    assert (await event_kinds(console))[-1] == "warned"
    assert "ticket.warned" in await audit_actions(console)


async def test_project_level_then_hq_each_once_with_take_over_and_a_group_note(console, clock):
    card = await report(console)
    clock.advance(minutes=30)
    assert await run_scan(console) == 2                    # the warning, then 项目部
    for user in ("u-chen", "u-zhou"):                      # PM and the department head
        [esc] = await cards(console, "dm", user)
        assert esc["body"]["card_key"] == "ticket:1" and "接管" in labels(esc)
        assert "已升级到项目部" in (await texts(console, "dm", user))[-1]
    note_text = (await texts(console, SITE, "u-chen"))[-1]
    assert "超时未接单" in note_text and "已升级至项目部（陈经理、周主管）" in note_text
    assert await texts(console, OWNER, "u-liu") == []      # never in the customer's group
    group_card = next(m for m in await console.bot_messages(SITE) if m["id"] == card["id"])
    assert "已升级至项目部" in card_text(group_card["body"]) and "接管" in labels(group_card)
    assert await cards(console, "dm", "u-wu") == []        # 总部 not yet
    assert await run_scan(console) == 0
    clock.advance(minutes=60)
    assert await run_scan(console) == 1                    # 总部 60 min after the deadline
    assert "已升级到总部" in (await texts(console, "dm", "u-wu"))[-1]
    assert len(await cards(console, "dm", "u-chen")) == 1  # 项目部 not told twice
    assert (await ticket(console)).escalation_level == 3


async def test_the_top_level_repeats_a_configured_number_of_times(console, clock):
    await report(console)
    clock.advance(minutes=90)
    await run_scan(console)                                 # warning, 项目部, 总部
    for hour in range(1, 6):
        clock.advance(minutes=60)
        await run_scan(console)
    reminders = [t for t in await texts(console, "dm", "u-wu") if "次提醒" in t]
    assert [r.split("：")[0] for r in reminders] == ["⚠️ 第 1 次提醒", "⚠️ 第 2 次提醒",
                                                  "⚠️ 第 3 次提醒"]   # repeat_times = 3
    kinds = await event_kinds(console)
    assert kinds.count("escalated") == 2 and kinds.count("escalation_repeated") == 3


async def test_take_over_only_by_the_levels_reached(console, clock):
    card = await report(console)
    clock.advance(minutes=30)
    await run_scan(console)
    for user in ("u-liu", "u-wang", "u-lin", "u-wu"):   # customer, engineer, other PM, 总部 (not yet)
        out = await console.click(user, SITE, card["id"], "ticket.take_over", {"ticket": 1})
        assert out["toast"] == {"text": "无权限：只有项目经理 陈经理 或 部门主管 可以接管", "kind": "error"}, user
    assert (await ticket(console)).status == "open"
    out = await console.click("u-zhou", SITE, card["id"], "ticket.take_over", {"ticket": 1})
    assert out["toast"]["text"] == "已接管"
    group_card = next(m for m in await console.bot_messages(SITE) if m["id"] == card["id"])
    assert field(group_card["body"], "负责人") == "周主管" and note(group_card["body"]).startswith("处理中 · 周主管")
    again = await console.click("u-zhou", SITE, card["id"], "ticket.take_over", {"ticket": 1})
    assert again["toast"]["text"] == "工单已经由您处理"
    assert "taken_over" in await event_kinds(console)


async def test_nothing_escalates_while_paused_and_resume_moves_the_deadline(console, clock):
    card = await report(console)
    await console.press("u-zhao", SITE, card, "接单")
    clock.advance(minutes=60)
    card = next(m for m in await console.bot_messages(SITE) if m["id"] == card["id"])
    out = await console.press("u-zhao", SITE, card, "等待客户")
    assert out["toast"]["text"] == "已暂停计时（等待客户）"
    paused = next(m for m in await console.bot_messages(SITE) if m["id"] == card["id"])
    assert field(paused["body"], "解决时限") == "暂停计时中" and "恢复计时" in labels(paused)
    clock.advance(hours=10)
    assert await run_scan(console) == 0                     # the clock stands still
    await console.press("u-zhao", SITE, paused, "恢复计时")
    resumed = next(m for m in await console.bot_messages(SITE) if m["id"] == card["id"])
    # 1 h used before the pause, 3 h left from 01:00 when it resumed.
    assert field(resumed["body"], "解决时限") == "11-24 04:00"
    assert [k for k in await event_kinds(console) if k in ("paused", "resumed")] == ["paused", "resumed"]


async def test_after_downtime_each_missed_step_fires_once(console, clock):
    await report(console)
    clock.advance(hours=3, minutes=30)                      # the process was down meanwhile
    # 75 % accept, 项目部, 总部, the reminders due meanwhile as one, 75 % resolve.
    assert await run_scan(console) == 5
    assert await run_scan(console) == 0
    kinds = await event_kinds(console)
    assert kinds.count("warned") == 2 and kinds.count("escalated") == 2
    assert [t.split("：")[0] for t in await texts(console, "dm", "u-wu")] == [
        "⚠️ 工单 T-1「5号楼3层卫生间渗水」超时未接单，已升级到总部，请跟进或点「接管」。", "⚠️ 第 2 次提醒"]


async def test_overdue_tickets_for_managers_only(console, clock):
    await report(console)
    await console.say("u-chen", SITE, "超时工单")
    assert "没有超时的工单" in await console.last_text(SITE)
    clock.advance(minutes=45)
    await console.say("u-chen", SITE, "超时工单")
    text = await console.last_text(SITE)
    assert "超时工单（1）" in text and "T-1" in text and "接单超时 15 分钟" in text
    await console.say("u-wu", "dm", "超时工单")                # 总部客服 sees every project
    assert "T-1" in await console.last_text("dm", user="u-wu")
    await console.say("u-lin", "p002-site", "超时工单")        # PM of another project
    assert "没有超时的工单" in await console.last_text("p002-site")
    await console.say("u-li", SITE, "超时工单")
    assert await console.last_text(SITE) == "无权限"
