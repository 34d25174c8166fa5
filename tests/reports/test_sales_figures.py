"""Sales figures from opportunities a salesperson opened and moved on their cards:

O-1 华景二期 800万: 09-05 opened · needs 09-10 · proposal 09-20 · negotiation 10-05 · won 10-15.
O-2 四中改造 300万: 09-08 · needs 09-15 · lost 10-10.   O-3 星河广场 500万: 10-03 · needs 10-20.
O-4 体育馆 200万: 10-06, still at first contact.    O-5 车库 100万: 09-12 · won 09-28."""
from __future__ import annotations

from decimal import Decimal

from domain.reports.periods import Kind, last_complete
from tests.reports.company import TZ, at, press, report_of, say

OPENED = [("2026-09-05", "星河置业 华景二期 800万"), ("2026-09-08", "临江教育局 四中改造 300万"),
          ("2026-09-12", "星河置业 车库 100万"), ("2026-10-03", "星河置业 星河广场 500万"),
          ("2026-10-06", "临江教育局 体育馆 200万")]
MOVES = [("2026-09-10", 1, "next"), ("2026-09-15", 2, "next"), ("2026-09-20", 1, "next"),
         ("2026-09-28", 3, "won"), ("2026-10-05", 1, "next"), ("2026-10-10", 2, "lost"),
         ("2026-10-15", 1, "won"), ("2026-10-20", 4, "next")]
WAN = Decimal(10000)


async def test_sales_figures_of_a_month_beside_the_month_before(company, clock):
    events = [(day, "open", text) for day, text in OPENED] + [(day, to, number) for day, number, to in MOVES]
    for day, what, subject in sorted(events, key=lambda e: e[0]):
        at(clock, f"{day} 10:00")
        if what == "open":
            await say(company, "郑销售", f"商机 新建 {subject}")
        else:
            await press(company, "郑销售", f"opportunity.{what}", {"o": subject})
    at(clock, "2026-11-02 10:00")
    october = last_complete(Kind.MONTH, clock.now, TZ)
    report = await report_of(company, "郑销售", october)
    assert report.service is None and report.money is None      # sales sees the funnel only
    now, before = report.sales.now, report.sales.before

    assert now.funnel == {"contact": 1, "needs": 1, "proposal": 0, "negotiation": 0}
    assert {k: v / WAN for k, v in now.funnel_amount.items()} == {"contact": 200, "needs": 500,
                                                                  "proposal": 0, "negotiation": 0}
    # Moves in October: out of 初步接触 1 on of 1, 需求分析 0 of 1 (O-2 lost), 方案 1 of 1, 谈判 1 of 1.
    assert now.conversion == {"contact": 100.0, "needs": 0.0, "proposal": 100.0, "negotiation": 100.0}
    assert (now.created, now.won, now.lost, now.won_amount / WAN) == (2, 1, 1, 800)
    assert (now.win_rate, now.days_to_win) == (50.0, 40.0)

    # September's funnel, rebuilt from the moves: O-1 at 方案报价, O-2 at 需求分析.
    assert before.funnel == {"contact": 0, "needs": 1, "proposal": 1, "negotiation": 0}
    assert before.conversion == {"contact": 100.0, "needs": 100.0, "proposal": None, "negotiation": None}
    assert (before.created, before.won, before.lost, before.win_rate, before.days_to_win) == (3, 1, 0, 100.0, 16.0)

    # The department head sees it too; a project manager does not (it is the company's funnel).
    assert (await report_of(company, "周主管", october)).sales.now.won == 1
    assert (await report_of(company, "陈经理", october)).sales is None
