"""Daily digest and weekly report with a fixed clock: content (late milestones flagged, no
costs or internal notes for customers), timing (18:00 default, per-project time, quiet days),
and exactly one digest per project per day with two processes and after a restart."""
from __future__ import annotations

import asyncio

from bot import keys
from domain.store.engine import make_engine
from domain.store.uow import Store
from handlers.chat.jobs import JobRunner
from handlers.progress.jobs import scan_digests, scan_weekly
from tests.console_driver import card_text
from tests.progress.helpers import OWNER, SITE, days, edit_milestone, local_today, outbox_rows

LOG = ("日志 今日完成5层顶板钢筋绑扎，天气 晴，人数 35，问题：塔吊检修停工2小时，费用 3200，"
       "内部：钢筋损耗偏大，供应商待谈")


async def digest_cards(console, chat: str, user: str = "u-admin") -> list[dict]:  # noqa: ANN001
    return [m["body"] for m in await console.bot_messages(chat, user)
            if m["body"].get("title", "").startswith("今日进展")]


async def run_digests(console) -> int:  # noqa: ANN001
    performed = await scan_digests(console.app[keys.JOBS])
    await console.deliver()
    return performed


async def test_digest_at_18_00_flags_late_milestones_and_keeps_costs_internal(console, clock):
    await console.say("u-li", SITE, LOG)
    today = local_today(clock)
    await edit_milestone(console.app, "P-001", "主体结构封顶", planned_end=today - days(5))
    assert await run_digests(console) == 0          # 14:00: not yet
    clock.advance(hours=4)                          # 18:00 Shanghai
    # All three are claimed for today; only P-001 had activity, the others' day was quiet.
    assert await run_digests(console) == 3
    [card] = await digest_cards(console, OWNER)
    text = card_text(card)
    assert card["title"] == "今日进展 · P-001 滨江花园 5 号楼 · 11-23"
    assert card["colour"] == "red"
    assert "⚠️ 主体结构封顶 已超过计划完成日期 5 天" in text
    assert "🔴 **主体结构封顶 · 40% · 已逾期 5 天**" in text
    assert "今日完成5层顶板钢筋绑扎" in text and "塔吊检修停工2小时" in text
    assert "天气: 晴" in text and "出勤: 35 人" in text
    assert "下一笔应付款" in text
    for secret in ("3200", "3,200", "费用", "钢筋损耗", "供应商"):
        assert secret not in text, secret
    assert any(a["type"] == "link" and a["label"] == "查看详情" for a in card["actions"])
    # The contact who asked for it (刘总) gets it directly too; the internal group does not.
    assert len(await digest_cards(console, "dm", user="u-liu")) == 1
    assert await digest_cards(console, SITE) == []
    # Later passes the same evening send nothing more.
    clock.advance(minutes=30)
    assert await run_digests(console) == 0
    assert len(await digest_cards(console, OWNER)) == 1


async def test_weekly_report_is_internal_with_costs(console, clock):
    await console.say("u-li", SITE, LOG)
    await console.say("u-li", SITE, "进度 主体结构 60%")
    clock.advance(days=7, hours=-5, minutes=-30)    # next Monday 08:30
    assert await scan_weekly(console.app[keys.JOBS]) == 3
    await console.deliver()
    weekly = [m["body"] for m in await console.bot_messages(SITE) if m["body"].get("title", "").startswith("项目周报")]
    assert len(weekly) == 1
    text = card_text(weekly[0])
    assert weekly[0]["title"] == "项目周报 · P-001 滨江花园 5 号楼 · 11-23–11-29"
    assert "主体结构封顶 40% → 60%" in text and "¥3,200.00" in text and "钢筋损耗偏大" in text
    pm = [m for m in await console.bot_messages("dm", user="u-chen")
          if m["body"].get("title", "").startswith("项目周报")]
    assert len(pm) == 2                              # 陈经理 manages P-001 and P-003
    assert [m for m in await console.bot_messages(OWNER) if m["body"].get("title", "").startswith("项目周报")] == []
    assert await scan_weekly(console.app[keys.JOBS]) == 0


async def test_project_digest_time_and_quiet_days(console, clock):
    async with console.app[keys.STORE].transaction() as tx:
        p2 = await tx.projects.by_code("P-002")
        p2.digest_time = "19:30"
        p3 = await tx.projects.by_code("P-003")
        p3.digest_when_idle = True                  # P-003 wants one even on a quiet day
    await console.say("u-li", "p002-site", "日志 三层砌筑完成")
    clock.advance(hours=4)                          # 18:00
    assert await run_digests(console) == 2          # P-001 (quiet: claimed, nothing sent), P-003
    assert await digest_cards(console, "p002-owner") == []
    assert len(await digest_cards(console, "dm", user="u-liu")) == 1   # P-003's, to 刘总
    assert await digest_cards(console, OWNER) == []
    clock.advance(hours=1, minutes=30)              # 19:30: P-002's own time
    assert await run_digests(console) == 1
    [card] = await digest_cards(console, "p002-owner")
    assert "三层砌筑完成" in card_text(card)


async def test_one_digest_per_project_per_day_with_two_processes_and_a_restart(console, clock, db_url):
    app = console.app
    for chat in (SITE, "p002-site"):
        await console.say("u-li", chat, "日志 今日完成钢筋绑扎")
    clock.advance(hours=4)                          # 18:00 (P-002's own time, 17:30, has passed)
    deps = app[keys.JOBS].deps
    stores = [Store(make_engine(db_url)), Store(make_engine(db_url))]
    try:
        runners = [JobRunner(s, deps, clock, name=f"proc-{i}") for i, s in enumerate(stores)]
        p2 = 0
        for _ in range(3):                          # both processes, several passes each
            first, second = await asyncio.gather(scan_digests(runners[0]), scan_digests(runners[1]))
            p2 += first + second
        assert p2 == 3                              # P-001, P-002, P-003 (quiet, claimed only)
    finally:
        for s in stores:
            await s.close()
    # A restart: a fresh store and runner find today's digests done.
    restarted = Store(make_engine(db_url))
    try:
        assert await scan_digests(JobRunner(restarted, deps, clock, name="after-restart")) == 0
    finally:
        await restarted.close()
    rows = await outbox_rows(app[keys.STORE], "digest:")
    keys_sent = sorted(r.idempotency_key.split(":")[1] for r in rows)
    # P-001 and P-002: their customer group and their customer's contact who asked.
    assert keys_sent == ["P-001", "P-001", "P-002", "P-002"]
    clock.advance(days=1)                            # the next day: a new digest is due
    await console.say("u-li", SITE, "日志 第二天")
    assert await run_digests(console) >= 1
