"""Customer figures: NPS from cards customer contacts answered in chat (a button in their own
chat, or 推荐 5 by text), sent by the scheduled job each quarter and when a milestone is
reached, never twice within 30 days; the customer ranking; customers at risk."""
from __future__ import annotations

from decimal import Decimal

from bot import keys
from domain.reports.periods import Kind, current, last_complete
from handlers.reports.jobs import send_nps
from tests.console_driver import field
from tests.reports.company import (DM, SITE1, SITE2, TZ, at, money_story, report_of, say,
                                   ticket_step)

NPS_TITLE = "您愿意把我们推荐给朋友或同行吗？"


async def nps_cards(console, user: str) -> list[dict]:
    return [m for m in await console.bot_messages(DM, user)
            if m["body"]["type"] == "card" and m["body"]["title"] == NPS_TITLE]


async def run_nps(console) -> int:
    sent = await send_nps(console.app[keys.JOBS])
    await console.deliver()
    return sent


async def test_nps_asked_answered_and_counted(company, clock):
    console = company
    await say(console, "陈经理", "节点 添加 P-001 基础完成 计划 2026-10-15 权重 20")
    await say(console, "林经理", "节点 添加 P-002 基础 计划 2026-11-05 权重 20")
    at(clock, "2026-10-01 09:55")
    assert await run_nps(console) == 0                         # the quarter's card waits for 10:00
    at(clock, "2026-10-01 10:05")
    assert await run_nps(console) == 2                         # 刘总 (业主 of P-001), 何监理 (P-002)
    assert await run_nps(console) == 0                         # once
    [card] = await nps_cards(console, "刘总")
    assert [a["label"] for a in card["body"]["actions"]] == [str(n) for n in range(11)]
    assert "滨江花园" in card["body"]["blocks"][0]["text"]
    at(clock, "2026-10-02 09:00")
    answer = await console.press("刘总", DM, card, "10")      # in a customer's own chat
    assert answer["toast"]["text"] == "谢谢您的评分：10 分！"
    [card] = await nps_cards(console, "刘总")
    assert "您的评分：10 分" in card["body"]["blocks"][1]["text"]   # the card shows the answer

    at(clock, "2026-10-10 17:00")
    await say(console, "陈经理", "完成 基础完成", SITE1)
    at(clock, "2026-10-10 17:05")
    assert await run_nps(console) == 0                         # 刘总 was asked 9 days ago
    at(clock, "2026-11-05 17:00")
    await say(console, "林经理", "完成 基础", SITE2)
    at(clock, "2026-11-05 17:05")
    assert await run_nps(console) == 1                         # 何监理: 35 days since the last card
    at(clock, "2026-11-05 18:00")
    assert await say(console, "何监理", "推荐 5 进度太慢") == "谢谢您的评分：5 分！"
    assert await say(console, "何监理", "推荐 十分") == "用法：推荐 0–10 [意见]，例如：推荐 9 服务很及时"
    assert await say(console, "何监理", "推荐 11") == "评分请写 0 到 10 之间的整数。"
    assert await say(console, "李工长", "推荐 9") == "您目前没有待回答的推荐调查。"

    at(clock, "2026-11-06 10:00")
    october = (await report_of(console, "周主管", last_complete(Kind.MONTH, clock.now, TZ))).customers.now
    assert (october.nps, october.promoters, october.passives, october.detractors) == (100, 1, 0, 0)
    assert (october.nps_answers, october.nps_sent, october.nps_answer_rate) == (1, 2, 50.0)
    assert october.at_risk == []
    report = await report_of(console, "周主管", current(Kind.MONTH, clock.now, TZ))
    now, before = report.customers.now, report.customers.before
    assert (now.nps, now.detractors, now.nps_answers, now.nps_sent, now.nps_answer_rate) == (-100, 1, 1, 1, 100.0)
    assert (before.nps, before.nps_answers, before.nps_sent) == (100, 1, 2)     # Oct 1 – Oct 6 10:00
    assert [(r.name, r.reasons, r.lowest_nps) for r in now.at_risk] == [("临江教育局", ("low_nps",), 5)]
    assert {r.name: r.nps for r in now.ranking} == {"星河置业": None, "临江教育局": -100}

    card = (await console.say("周主管", DM, "满意度"), await console.last_bot(DM, "周主管"))[1]["body"]
    assert field(card, "NPS 推荐值") == "-100 ↓🔴（上期 +100）"
    assert "⚠️ 临江教育局：NPS 低分" in [b["text"] for b in card["blocks"] if b["type"] == "markdown"][0]


async def test_customer_ranking_and_customers_at_risk(company, clock):
    console = company
    await money_story(console, clock)
    at(clock, "2026-10-20 11:00")
    await say(console, "李工长", "报修 业主投诉施工噪音扰民", SITE1)          # T-1 complaint, left open
    at(clock, "2026-10-21 09:00")
    await say(console, "王工", "报修 教学楼外墙渗水", SITE2)                # T-2 quality -> 林经理
    await ticket_step(console, "林经理", "accept", 2)
    await ticket_step(console, "林经理", "resolve", 2)
    await ticket_step(console, "王工", "confirm", 2)
    await ticket_step(console, "王工", "rate", 2, score=2)

    at(clock, "2026-11-02 10:00")
    report = await report_of(console, "周主管", last_complete(Kind.MONTH, clock.now, TZ))
    now, before = report.customers.now, report.customers.before
    wan = Decimal(10000)
    assert [(r.name, r.contract_value / wan, r.collected / wan, r.csat) for r in now.ranking] == [
        ("星河置业", 100, 30, None), ("临江教育局", 50, 5, 2.0)]
    assert [(r.name, r.reasons, r.csat, r.complaints, r.overdue / wan, r.overdue_days) for r in now.at_risk] == [
        ("临江教育局", ("low_csat", "overdue"), 2.0, 0, 5, 72),
        ("星河置业", ("complaint",), None, 1, 0, 0)]
    # September 30th: only P-002's advance, 41 days overdue.
    assert [(r.name, r.reasons, r.overdue / wan, r.overdue_days) for r in before.at_risk] == [
        ("临江教育局", ("overdue",), 10, 41)]
