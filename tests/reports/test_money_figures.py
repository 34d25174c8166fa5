"""Money figures as of a month's last day, against sums worked out by hand (amounts in 万):

P-001 (100): 预付款 10 due 09-10 paid 09-12 · 进度款一 30 due 10-05 paid 10-20 · 进度款二 20 due
10 days after 基础完成 (reached 10-10, so due 10-20), unpaid · 结算款 40 due 2027-06-30.
P-002 (50): 预付款 10 due 08-20, 5 paid 10-25 · 进度款 15 due 10-20, unpaid."""
from __future__ import annotations

from decimal import Decimal

from domain.reports.periods import Kind, last_complete
from tests.reports.company import TZ, at, money_story, report_of

WAN = Decimal(10000)


def wan(value: Decimal) -> Decimal:
    return value / WAN


async def test_money_figures_of_a_month_beside_the_month_before(company, clock):
    await money_story(company, clock)
    at(clock, "2026-11-02 10:00")
    october = last_complete(Kind.MONTH, clock.now, TZ)
    report = await report_of(company, "钱会计", october)
    now, before = report.money.now, report.money.before

    # October 31st: 进度款二 and P-002's 进度款 11 days overdue, P-002's 预付款 72 days.
    assert {k: wan(v) for k, v in now.ageing.items()} == {"not_due": 40, "d1_30": 35, "d31_90": 5, "over_90": 0}
    assert (wan(now.receivable), wan(now.overdue)) == (80, 40)
    assert (wan(now.collected), now.payments) == (35, 2)
    # Fell due in October: 30 + 20 + 15 = 65, of which 30 was paid by the 31st.
    assert (wan(now.fell_due), now.collection_rate) == (65, 46.2)
    # Due and unpaid at the end, in days of what fell due: 40 / 65 × 31 days.
    assert now.dso == 19.1
    assert [(r.row.name, days) for r, days in now.overdue_rows] == [("预付款", 72), ("进度款二", 11), ("进度款", 11)]

    # September 30th: 进度款二 has no due date yet (基础完成 not reached), P-002's 预付款 41
    # days overdue; the advance of P-001, due in September, paid in September.
    assert {k: wan(v) for k, v in before.ageing.items()} == {"not_due": 105, "d1_30": 0, "d31_90": 10, "over_90": 0}
    assert (wan(before.collected), before.payments, wan(before.fell_due), before.collection_rate) == (10, 1, 10, 100.0)
    assert before.dso == 30.0

    # A project manager sees only their project's money.
    mine = await report_of(company, "林经理", october)
    assert (wan(mine.money.now.receivable), wan(mine.money.now.collected)) == (20, 5)
