"""Waiting approvals: the approver is reminded after a day, the approver's superior is told
after three (config defaults), each once — also when two runners race or a pass is repeated
after downtime — and nothing is sent for a step already decided. Plus the start-up check."""
from __future__ import annotations

import asyncio
import logging

from bot import keys
from bot.app import create_app
from domain.changes.rules import parse_change_rules
from handlers.changes.jobs import scan_approvals, warn_role_gaps
from handlers.chat.jobs import JobRunner
from tests.changes.helpers import count_audit, texts

SITE = "p001-site"


async def run_scan(console, clock, runners: int = 1) -> None:  # noqa: ANN001
    base = console.app[keys.JOBS]
    extra = [JobRunner(base.store, base.deps, clock, name=f"other-{n}") for n in range(runners - 1)]
    await asyncio.gather(*(scan_approvals(r) for r in [base, *extra]))
    await console.deliver()


async def test_remind_then_escalate_once_each(console, clock):
    await console.say("u-chen", SITE, "变更 工期调整 +15天 原因：甲方要求增加地下室防水")
    clock.advance(hours=23)
    await run_scan(console, clock)
    assert await count_audit(console.app, "change.remind") == 0       # not yet
    clock.advance(hours=2)
    await run_scan(console, clock, runners=2)                          # two processes at once
    await run_scan(console, clock)                                     # and a repeated pass
    reminders = [t for t in await texts(console, "dm", "u-zhou") if t.startswith("⏰")]
    assert reminders == ["⏰ 提醒：变更 C-1「甲方要求增加地下室防水」已等待您审批 25 小时，请尽快处理。"]
    assert await count_audit(console.app, "change.remind") == 1
    assert await count_audit(console.app, "change.escalate") == 0
    clock.advance(hours=48)                                            # 73 hours: to the superior
    await run_scan(console, clock, runners=2)
    await run_scan(console, clock)
    up = [t for t in await texts(console, "dm", "u-guo") if t.startswith("⚠️")]
    assert up == ["⚠️ 变更 C-1「甲方要求增加地下室防水」已等待 周主管 审批 73 小时仍未处理，请督促。"]
    assert (await console.last_bot("dm", user="u-guo"))["body"]["card_key"] == "change:1"
    assert await count_audit(console.app, "change.escalate") == 1


async def test_decided_steps_are_not_chased_and_the_next_step_counts_afresh(console, clock):
    await console.say("u-chen", SITE, "变更 预算增补 +120000 原因：地下室防水加做一道卷材")
    clock.advance(hours=20)
    await console.press("u-zhou", "dm", await console.last_bot("dm", user="u-zhou"), "同意")
    clock.advance(hours=10)                     # step 1 began 30 h ago, step 2 only 10 h ago
    await run_scan(console, clock)
    assert await count_audit(console.app, "change.remind") == 0
    clock.advance(hours=15)
    await run_scan(console, clock)
    assert [t for t in await texts(console, "dm", "u-guo") if t.startswith("⏰")] == [
        "⏰ 提醒：变更 C-1「地下室防水加做一道卷材」已等待您审批 25 小时，请尽快处理。"]
    assert not [t for t in await texts(console, "dm", "u-zhou") if t.startswith("⏰")]


async def test_after_downtime_a_late_pass_catches_up_once(console, clock):
    await console.say("u-chen", SITE, "变更 工期调整 +15天 原因：甲方要求增加地下室防水")
    clock.advance(days=5)                       # the process was down: both are due at once
    await run_scan(console, clock)
    await run_scan(console, clock)
    assert await count_audit(console.app, "change.remind") == 1
    assert await count_audit(console.app, "change.escalate") == 1


async def test_start_up_names_roles_nobody_holds(settings, clock, aiohttp_client, caplog):
    caplog.set_level(logging.WARNING, logger="handlers.changes.jobs")
    app = create_app(settings, clock=clock, demo=False, run_worker=False)
    await aiohttp_client(app)                   # runs the start-up (no demo: nobody holds anything)
    warnings = [r.getMessage() for r in caplog.records if r.name == "handlers.changes.jobs"]
    assert any("'dept_head'" in w and "'up to ¥50,000: department head'" in w for w in warnings), warnings
    assert any("'hq_engineering_director'" in w and "'schedule over 30 days: HQ'" in w for w in warnings)


async def test_gap_check_is_quiet_when_every_role_is_held(console):
    rules = parse_change_rules({"rules": [{"roles": ["dept_head", "hq_engineering_director"]}]})
    assert await warn_role_gaps(console.app[keys.STORE], rules) == []
    rules = parse_change_rules({"rules": [{"name": "odd", "roles": ["sales", "hq_service"]}],
                                "fallback_roles": ["finance"]})
    assert await warn_role_gaps(console.app[keys.STORE], rules) == []
