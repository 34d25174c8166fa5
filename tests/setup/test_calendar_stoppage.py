"""Public holidays and make-up days from chinese-calendar (not a typed list), and 停工: stopped
days count for nothing on the SLA clock (wall clock too) and move the unfinished plan."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot import keys
from bot.settings import load_settings
from domain.tickets.calendar import official_years, parse_calendar
from tests.console_driver import card_text
from tests.setup.conftest import ADMIN

SH = ZoneInfo("Asia/Shanghai")
OFFICE = {"business_hours": True, "hours": ["09:00-12:00", "13:00-18:00"], "public_holidays": "chinese-calendar"}


def test_holidays_and_make_up_days_come_from_chinese_calendar():
    cal = parse_calendar(OFFICE, SH)
    assert not cal.is_workday(date(2026, 10, 1)) and not cal.is_workday(date(2026, 2, 17))  # 国庆, 春节
    assert cal.is_workday(date(2026, 2, 14))        # a Saturday worked for the Spring Festival (调休)
    # Wednesday 30 September 17:00 + 2 working hours: 1 h that day, then 国庆 until 7 October,
    # then 8 October 09:00-10:00.
    start = datetime(2026, 9, 30, 17, tzinfo=SH)
    assert cal.add(start, 2 * 3600) == datetime(2026, 10, 8, 10, tzinfo=SH)
    assert official_years()[1] >= 2026
    # The shipped configuration uses it (nothing typed by hand).
    rules = load_settings(env={}).tickets
    assert not rules.calendar_for({"business_hours": True}, SH).is_workday(date(2026, 10, 5))
    with pytest.raises(ValueError, match="public_holidays"):
        parse_calendar({"public_holidays": "typed-by-hand"}, SH)


def test_a_stoppage_day_counts_for_nothing_even_on_the_wall_clock():
    cal = parse_calendar({"stoppage_days": ["2026-11-24"]}, SH)
    start = datetime(2026, 11, 23, 23, 30, tzinfo=SH)
    assert cal.add(start, 3600) == datetime(2026, 11, 25, 0, 30, tzinfo=SH)
    assert cal.seconds_between(start, datetime(2026, 11, 25, 0, 30, tzinfo=SH)) == 3600
    assert parse_calendar({}, SH).add(start, 3600) == start + timedelta(hours=1)


async def test_stoppage_moves_the_plan_and_the_sla_clock(blank):
    await blank.say(ADMIN, "site", "项目 新建 滨江花园5号楼 开工 2026-11-01 竣工 2027-12-31")
    await blank.say(ADMIN, "site", "绑定 P-001")
    await blank.say(ADMIN, "site", "成员 添加 @李工长 P-001 施工员")
    await blank.say(ADMIN, "site", "成员 添加 @赵质检 P-001 质检员")
    await blank.say(ADMIN, "site", "成员 添加 @陈经理 P-001 项目经理")
    await blank.say("陈经理", "site", "节点 添加 P-001 基础完成 计划 2026-11-20 权重 20")
    await blank.say("陈经理", "site", "节点 添加 P-001 主体结构封顶 开始 2026-12-01 计划 2027-03-25 权重 80")
    await blank.say("李工长", "site", "报修 5号楼3层卫生间渗水，比较急")      # high: accept within 30 min
    async with blank.app[keys.STORE].transaction() as tx:
        ticket = await tx.tickets.get(1)
        assert ticket.accept_due_at.astimezone(SH) == datetime(2026, 11, 23, 14, 30, tzinfo=SH)

    await blank.say("陈经理", "site", "停工 P-001 11-23 至 11-25 原因：暴雨预警，政府通知停工")
    # It moves the planned end: asked first (issue 16), nothing written until 确认.
    ask = await blank.last_bot("site", "陈经理")
    assert ask["body"]["title"] == "确认 P-001 停工？"
    assert "计划竣工日期将从 **2027-12-31** 改为 **2028-01-03**，1 个未完成节点随之顺延" in card_text(ask["body"])
    async with blank.app[keys.STORE].transaction() as tx:
        assert (await tx.projects.by_code("P-001")).planned_end_date == date(2027, 12, 31)
        assert (await tx.tickets.get(1)).accept_due_at.astimezone(SH) == datetime(2026, 11, 23, 14, 30, tzinfo=SH)
    out = await blank.press("李工长", "site", ask, "确认")                       # not the asker
    assert out["toast"]["text"] == "无权限：只有发出「停工」的人可以确认"
    out = await blank.press("陈经理", "site", ask, "确认")
    assert out["toast"]["text"] == "已记录停工"
    said = await blank.last_text("site", "陈经理")
    assert said.splitlines()[0] == "已记录 P-001 停工 2026-11-23 至 2026-11-25（新增 3 天）：暴雨预警，政府通知停工"
    assert "• 计划顺延：主体结构封顶 2027-03-25 → 2027-03-28" in said
    assert "• 竣工日期顺延：2027-12-31 → 2028-01-03" in said
    assert "基础完成" not in said                      # planned before the stoppage: it stays
    assert "1 张未完成工单的时限已重新计算" in said
    async with blank.app[keys.STORE].transaction() as tx:
        ticket = await tx.tickets.get(1)
        # The clock stands still on the three stopped days: 30 minutes from 26 November 00:00.
        assert ticket.accept_due_at.astimezone(SH) == datetime(2026, 11, 26, 0, 30, tzinfo=SH)
        milestones = await tx.projects.milestones(1)
        assert milestones[1].planned_start == date(2026, 12, 4)
    again = await blank.press("陈经理", "site", ask, "确认")                     # a second press
    assert again["toast"]["text"] == "这个确认已经处理过了"
    await blank.say("陈经理", "site", "停工 P-001 11-24 原因：又下雨")
    assert await blank.last_text("site", "陈经理") == "2026-11-24 至 2026-11-24 已经记为停工了。"
    await blank.say("陈经理", "site", "停工 P-001 11-27 至 11-26 原因：x")
    assert await blank.last_text("site", "陈经理") == "停工结束 2026-11-26 早于开始 2026-11-27，请检查。"
    await blank.say("陈经理", "site", "停工 P-001 11-27")
    assert "请写停工原因" in await blank.last_text("site", "陈经理")
    await blank.say("李工长", "site", "停工 P-001 11-27 原因：x")
    assert await blank.last_text("site", "李工长") == "无权限"
    await blank.say("陈经理", "site", "停工")
    assert "2026-11-23 至 2026-11-25（3 天）暴雨预警，政府通知停工 — 陈经理" in await blank.last_text("site", "陈经理")
