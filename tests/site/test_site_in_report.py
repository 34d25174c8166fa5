"""Inspections made in chat (console, a company set up from an empty database) in last week's
report pushed on Monday morning by the report job on a fixed clock: how many, how many items
failed and which (the report is the managers'); the figures against the week before."""
from __future__ import annotations

from domain.reports.periods import Kind, last_complete
from handlers.reports.jobs import push_reports
from tests.console_driver import card_text
from tests.reports.company import SITE1, SITE2, TZ, at, report_of, say
from tests.reports.conftest import company  # noqa: F401 - the fixture used here
from tests.reports.test_pushed import cards, run


async def _walk(console, user: str, chat: str, lines: list[str]) -> None:  # noqa: ANN001
    for line in lines:
        await say(console, user, line, chat)


async def test_last_weeks_inspections_in_the_pushed_weekly_report(company, clock):  # noqa: F811
    console = company
    at(clock, "2026-11-10 10:00")                                   # the week before: not counted
    await _walk(console, "李工长", SITE1, ["巡检 地下室", "巡检 合格 排水沟"])
    at(clock, "2026-11-17 10:00")
    await _walk(console, "李工长", SITE1, ["巡检 5号楼外架、临边防护", "巡检 合格 安全网",
                                           "巡检 不合格 3层临边缺护栏", "巡检 结束"])
    at(clock, "2026-11-19 15:00")
    await _walk(console, "王工", SITE2, ["巡检 发现 2号塔吊限位失灵；5层洞口无盖板"])
    at(clock, "2026-11-23 08:35")                                   # Monday
    assert await run(console, push_reports) == 2
    [card] = await cards(console, "周主管")
    text = card_text(card)
    assert "现场巡检 2 次，不合格 3 项：P-001 3层临边缺护栏；P-002 2号塔吊限位失灵；P-002 5层洞口无盖板" in text
    assert "地下室" not in text and "排水沟" not in text
    week = last_complete(Kind.WEEK, clock.now, TZ)
    report = await report_of(console, "周主管", week)
    assert (report.delivery.now.inspections, report.delivery.now.inspection_failures) == (2, 3)
    assert (report.delivery.before.inspections, report.delivery.before.inspection_failures) == (1, 0)
    mine = await report_of(console, "林经理", week)                  # P-002's manager: his own only
    assert (mine.delivery.now.inspections, mine.delivery.now.inspection_failures) == (1, 2)

