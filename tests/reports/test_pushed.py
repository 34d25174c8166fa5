"""Pushed reports and early warnings, each once across passes and processes: last week's
report on Monday from 08:30 and last month's on the 1st, to the 部门主管 and 总部客服 in their
direct chats with their own cockpit link; a card to the department head when a project turns
late or a customer turns at risk, again only after it recovered and turned again."""
from __future__ import annotations

from bot import keys
from handlers.chat.jobs import JobRunner
from handlers.reports.jobs import push_reports, warn
from tests.reports.company import DM, SITE1, SITE2, at, say


async def cards(console, user: str) -> list[dict]:
    """The pushed reports and warnings in the person's direct chat (not the set-up cards)."""
    return [m["body"] for m in await console.bot_messages(DM, user)
            if m["body"]["type"] == "card" and m["body"]["title"].startswith(("📊", "⚠️"))]


async def run(console, job) -> int:
    done = await job(console.app[keys.JOBS])
    await console.deliver()
    return done


async def test_weekly_and_monthly_reports_go_out_once(company, clock):
    console = company
    at(clock, "2026-11-23 08:25")                                # a Monday
    assert await run(console, push_reports) == 0
    at(clock, "2026-11-23 08:35")
    assert await run(console, push_reports) == 2                 # 周主管 (部门主管), 吴客服 (总部客服)
    assert await run(console, push_reports) == 0
    app = console.app
    other = JobRunner(app[keys.STORE], app[keys.DISPATCHER].deps, app[keys.CLOCK], name="other-process")
    assert await push_reports(other) == 0                        # another process: already claimed
    for person in ("周主管", "吴客服"):
        [card] = await cards(console, person)
        assert card["title"] == "📊 上周经营周报 · 2026-11-16 至 11-22"
        assert [a["label"] for a in card["actions"]] == ["打开驾驶舱"]
    assert await cards(console, "陈经理") == []                  # not a recipient

    at(clock, "2026-12-01 08:31")                                # a Tuesday, the 1st
    assert await run(console, push_reports) == 2
    assert (await cards(console, "周主管"))[-1]["title"] == "📊 上月经营月报 · 2026-11-01 至 11-30"
    at(clock, "2027-01-01 15:00")                                # down all morning: too late by 15:00
    assert await run(console, push_reports) == 0


async def test_early_warnings_when_a_project_turns_late_or_a_customer_at_risk(company, clock):
    console = company
    await say(console, "陈经理", "节点 添加 P-001 主体封顶 计划 2026-11-20 权重 30")
    at(clock, "2026-11-20 10:00")
    assert await run(console, warn) == 0                          # due today: not late yet
    at(clock, "2026-11-21 10:00")
    assert await run(console, warn) == 1
    [card] = await cards(console, "周主管")
    assert card["title"] == "⚠️ 项目延期预警：P-001 滨江花园"
    assert "主体封顶" in card["blocks"][0]["text"] and card["actions"][0]["label"] == "打开驾驶舱"
    assert await run(console, warn) == 0                          # still late: told once
    at(clock, "2026-11-22 17:00")
    await say(console, "陈经理", "完成 主体封顶", SITE1)
    assert await run(console, warn) == 1                          # back on plan: recorded, no card
    assert len(await cards(console, "周主管")) == 1
    await say(console, "陈经理", "节点 添加 P-001 二次结构 计划 2026-11-25 权重 20")
    at(clock, "2026-11-26 10:00")
    assert await run(console, warn) == 1                          # late again: told again
    assert [c["title"] for c in await cards(console, "周主管")][-1] == "⚠️ 项目延期预警：P-001 滨江花园"

    await say(console, "王工", "报修 家长投诉施工噪音", SITE2)     # a complaint on P-002
    at(clock, "2026-11-26 10:15")
    assert await run(console, warn) == 1
    card = (await cards(console, "周主管"))[-1]
    assert card["title"] == "⚠️ 客户风险预警：临江教育局" and "投诉未关闭" in card["blocks"][0]["text"]
    assert len(await cards(console, "吴客服")) == 0               # warnings go to the department head
