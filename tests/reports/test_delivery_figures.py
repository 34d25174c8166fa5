"""Delivery figures against the plan worked out by hand:

P-001: 基础完成 planned 09-20, reached 09-25 · 主体封顶 planned 10-10, reached 10-08 · 二次结构
planned 10-25, not reached · 竣工验收 planned 2027-06-30. P-002: 基础 planned 10-20, reached
10-20 · 主体 planned 12-31 (10 % on 10-01), moved 15 days by an approved change."""
from __future__ import annotations

from decimal import Decimal

from domain.reports.periods import Kind, current, last_complete
from tests.reports.company import TZ, at, delivery_story, report_of


async def test_delivery_figures_of_a_month_beside_the_month_before(company, clock):
    await delivery_story(company, clock)
    at(clock, "2026-11-02 10:00")
    october = last_complete(Kind.MONTH, clock.now, TZ)
    report = await report_of(company, "周主管", october)
    now, before = report.delivery.now, report.delivery.before
    code = {pid: p.code for pid, p in report.projects.items()}

    # October: 主体封顶, 二次结构 and 基础 were due; 二次结构 was not reached.
    assert (now.milestones_due, now.milestones_on_time, now.on_time_rate) == (3, 2, 66.7)
    # On the 31st P-001 stands 6 days late (二次结构), P-002 on plan.
    assert [(code[p.project_id], p.deviation_days, p.late, p.late_milestones) for p in now.projects] == [
        ("P-001", 6, True, ("二次结构",)), ("P-002", 0, False, ())]
    assert (now.late, now.at_risk, now.average_deviation) == (1, 0, 3.0)
    assert (now.changes, now.change_days, now.change_amount) == (2, 15, Decimal("30000.00"))
    assert now.logs == 2

    # September: 基础完成 was due and reached 5 days late; nothing was late at the end.
    assert (before.milestones_due, before.milestones_on_time, before.on_time_rate) == (1, 0, 0.0)
    assert [(code[p.project_id], p.deviation_days, p.late) for p in before.projects] == [
        ("P-001", 5, False), ("P-002", 0, False)]
    assert (before.late, before.average_deviation, before.changes, before.logs) == (0, 2.5, 0, 1)

    # This month so far: P-002's 主体 at 10 % after a month will end far past its planned end.
    running = (await report_of(company, "周主管", current(Kind.MONTH, clock.now, TZ))).delivery.now
    assert [(code[p.project_id], p.late, p.at_risk) for p in running.projects] == [
        ("P-001", True, False), ("P-002", False, True)]
    assert (running.late, running.at_risk) == (1, 1)
