"""Service figures on a fixed clock against numbers worked out by hand: one ticket the week
before, four in the week reported on (2026-10-12 .. 10-18), each taken through the console
by the people involved (report, 接单, escalation by the SLA scan, 解决, 确认解决 / 未解决, 评价)."""
from __future__ import annotations

from domain.reports.periods import Kind, last_complete
from tests.reports.company import SITE1, TZ, at, local, report_of, say, scan, ticket_step, trend_of


async def resolve_and_confirm(console, clock, number: int, assignee: str, resolved: str, confirmed: str):
    at(clock, resolved)
    await ticket_step(console, assignee, "resolve", number)
    at(clock, confirmed)
    await ticket_step(console, "李工长", "confirm", number)


async def rate(console, clock, number: int, score: int, when: str):
    at(clock, when)
    await ticket_step(console, "李工长", "rate", number, score=score)


async def week_story(console, clock) -> None:
    """One ticket the week before (10-05 .. 10-11), four in the week (10-12 .. 10-18)."""
    # The week before: one quality ticket, on time, rated 4.
    at(clock, "2026-10-07 09:00")
    await say(console, "李工长", "报修 3号楼墙面开裂", SITE1)                        # T-1 medium 质量
    at(clock, "2026-10-07 10:00")
    await ticket_step(console, "赵质检", "accept", 1)
    await resolve_and_confirm(console, clock, 1, "赵质检", "2026-10-07 15:00", "2026-10-07 15:30")
    await rate(console, clock, 1, 4, "2026-10-07 16:00")

    # The week: T-2 on time; T-3 escalated twice and late; T-4 reopened once; T-5 still open.
    at(clock, "2026-10-12 09:00")
    await say(console, "李工长", "报修 5号楼3层卫生间渗水，比较急", SITE1)            # T-2 high 质量
    at(clock, "2026-10-12 09:20")
    await ticket_step(console, "赵质检", "accept", 2)
    at(clock, "2026-10-12 10:00")
    await say(console, "李工长", "报修 东侧脚手架松动，危险", SITE1)                  # T-3 high 安全
    await resolve_and_confirm(console, clock, 2, "赵质检", "2026-10-12 12:00", "2026-10-12 12:30")
    for moment in ("2026-10-12 10:31", "2026-10-12 11:31"):   # accept deadline 10:30: 项目部, then 总部
        at(clock, moment)
        while await scan(console):
            pass
    await rate(console, clock, 2, 5, "2026-10-12 12:40")
    at(clock, "2026-10-12 12:00")
    await ticket_step(console, "孙安全", "accept", 3)
    await resolve_and_confirm(console, clock, 3, "孙安全", "2026-10-12 16:00", "2026-10-12 16:10")
    await rate(console, clock, 3, 2, "2026-10-12 16:20")
    at(clock, "2026-10-13 09:00")
    await say(console, "李工长", "报修 钢筋到货延误，不急", SITE1)                    # T-4 low 进度 -> 陈经理
    at(clock, "2026-10-13 10:00")
    await ticket_step(console, "陈经理", "accept", 4)
    at(clock, "2026-10-14 09:00")
    await ticket_step(console, "陈经理", "resolve", 4)
    at(clock, "2026-10-14 10:00")
    await ticket_step(console, "李工长", "reopen", 4)                                 # 未解决
    await resolve_and_confirm(console, clock, 4, "陈经理", "2026-10-14 12:00", "2026-10-14 12:30")
    at(clock, "2026-10-15 09:00")
    await say(console, "李工长", "报修 2号楼卫生间漏水", SITE1)                       # T-5 medium 质量
    at(clock, "2026-10-15 09:30")
    await ticket_step(console, "赵质检", "accept", 5)


async def test_service_figures_of_a_week_and_the_week_before(company, clock):
    console = company
    await week_story(console, clock)
    at(clock, "2026-10-19 10:00")
    week = last_complete(Kind.WEEK, clock.now, TZ)
    assert (week.first.isoformat(), week.last.isoformat()) == ("2026-10-12", "2026-10-18")
    report = await report_of(console, "周主管", week)
    now, before = report.service.now, report.service.before

    assert (now.opened, now.resolved, now.closed) == (4, 3, 3)
    assert now.by_category == {"quality": 2, "safety": 1, "progress": 1}
    assert now.by_severity == {"high": 2, "low": 1, "medium": 1}
    # Accepted after 20 min, 2 h, 1 h, 30 min: mean 0.958 h; p90 (4th of 4) 2 h.
    assert (now.accept_hours, now.accept_hours_p90) == (0.96, 2.0)
    # Resolved 3 h, 6 h and 27 h after the report (T-4's second resolve counts).
    assert (now.resolve_hours, now.resolve_hours_p90) == (12.0, 27.0)
    # T-2 and T-4 met their SLA; T-3 was accepted late and resolved late; T-5 passed its
    # resolve deadline (10-16 09:00) unresolved.
    assert (now.sla_met, now.sla_counted, now.sla_percent) == (2, 4, 50.0)
    assert [t.id for t in now.missed] == [5, 3]
    assert now.escalations == {2: 1, 3: 1}
    assert now.reopen_rate == 33.3                       # T-4 of the three closed
    assert (now.csat, now.csat_answers, now.csat_sent, now.csat_answer_rate) == (3.5, 2, 3, 66.7)
    names = report.people
    assert sorted((names[a.person_id], a.resolved, a.resolve_hours) for a in now.assignees) == [
        ("孙安全", 1, 6.0), ("赵质检", 1, 3.0), ("陈经理", 1, 27.0)]
    assert now.per_assignee == 1.0

    assert (before.opened, before.resolved, before.closed) == (1, 1, 1)
    assert (before.accept_hours, before.resolve_hours, before.sla_percent) == (1.0, 6.0, 100.0)
    assert (before.escalations, before.reopen_rate, before.csat, before.csat_answer_rate) == ({}, 0.0, 4.0, 100.0)

    # The same week for P-002's manager: none of it is theirs.
    mine = await report_of(console, "林经理", week)
    assert (mine.service.now.opened, mine.service.now.sla_percent, mine.service.now.csat) == (0, None, None)
    assert local("2026-10-12 00:00") == week.start


async def test_the_trend_added_up_by_the_database_agrees_with_the_report(company, clock):
    """The trend's service points are counted in SQL per period (GROUP BY the period), the
    report's figures from the rows: the same rules, so each week's point equals that week's
    report — on SQLite and PostgreSQL."""
    console = company
    await week_story(console, clock)
    at(clock, "2026-10-19 10:00")
    week = last_complete(Kind.WEEK, clock.now, TZ)
    points = await trend_of(console, "周主管", week)
    assert [p.period.first.isoformat() for p in points] == [
        "2026-09-07", "2026-09-14", "2026-09-21", "2026-09-28", "2026-10-05", "2026-10-12"]
    assert [(p.opened, p.resolved, p.sla_percent, p.csat) for p in points] == [
        (0, 0, None, None), (0, 0, None, None), (0, 0, None, None), (0, 0, None, None),
        (1, 1, 100.0, 4.0), (4, 3, 50.0, 3.5)]           # T-5 unresolved past its deadline: missed
    for point in points[-2:]:
        figures = (await report_of(console, "周主管", point.period)).service.now
        assert (point.opened, point.resolved, point.sla_percent, point.csat) == (
            figures.opened, figures.resolved, figures.sla_percent, figures.csat)
    # Scoped like the report: P-002's manager sees none of P-001's tickets.
    assert {(p.opened, p.resolved, p.sla_percent) for p in await trend_of(console, "林经理", week)} == {(0, 0, None)}
