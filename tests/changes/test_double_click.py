"""A decision is final and recorded once: the same button pressed twice at the same moment (two
devices: two HTTP requests with different event ids) gives one decision and one audit row, on
SQLite and on PostgreSQL. The loser is told it was already decided."""
from __future__ import annotations

import asyncio

from sqlalchemy import select

from bot import keys
from domain.store.models import ApprovalStep, Contract
from tests.changes.helpers import audit_actions, cards, count_audit
from tests.console_driver import note

SITE = "p001-site"


async def press_together(console, presses: list[tuple[str, str, dict]]) -> list[dict]:  # noqa: ANN001
    """Send the clicks as simultaneous HTTP requests; deliver afterwards."""
    async def post(user: str, action: str, value: dict, n: int) -> dict:
        response = await console.client.post("/console/api/actions", json={
            "user": user, "chat": "dm", "message_id": f"cm-x{n}", "action": action, "value": value,
            "event_id": f"tap-{n}-{user}"})
        assert response.status == 200
        return await response.json()
    results = await asyncio.gather(*(post(u, a, v, n) for n, (u, a, v) in enumerate(presses)))
    await console.deliver()
    return list(results)


async def test_two_devices_approving_at_once_decide_once(console):
    await console.say("u-chen", SITE, "变更 预算增补 +30000 原因：地下室防水加做一道卷材")
    value = {"change": 1, "step": 1}
    results = await press_together(console, [("u-zhou", "change.approve", value)] * 2 +
                                   [("u-zhou", "change.approve", value)])
    toasts = sorted(r["toast"]["text"] for r in results)
    assert toasts.count("已同意 C-1") == 1, toasts
    assert toasts.count("您已同意 C-1，无需重复操作。") == 2, toasts
    assert await count_audit(console.app, "change.approve") == 1
    assert await count_audit(console.app, "change.apply") == 1
    async with console.app[keys.STORE].transaction() as tx:
        step = await tx.session.scalar(select(ApprovalStep))
        contract = await tx.session.scalar(select(Contract))
    assert step.status == "approved" and step.decided_by is not None
    assert str(contract.value) == "12830000.00"                       # added once, not twice
    assert note((await cards(console, SITE))[-1]["body"]).startswith("已通过 · 周主管")


async def test_approve_and_withdraw_at_once_one_wins(console):
    await console.say("u-chen", SITE, "变更 工期调整 +15天 原因：甲方要求增加地下室防水")
    # It moves the end date: 同意 asks first; the race is 确认同意 against 撤回.
    await console.click("u-zhou", "dm", "cm-0", "change.approve", {"change": 1, "step": 1})
    ask = await console.last_bot("dm", "u-zhou")
    sure = next(a["value"] for a in ask["body"]["actions"] if a["label"] == "确认同意")
    results = await press_together(console, [("u-zhou", "change.approve_sure", sure),
                                             ("u-chen", "change.withdraw", {"change": 1})])
    kinds = sorted(r["toast"]["kind"] for r in results)
    assert kinds == ["success", "warning"], results
    actions = await audit_actions(console.app)
    assert actions in (["change.raise", "change.approve", "change.apply"],
                       ["change.raise", "change.withdraw"]), actions


async def test_two_step_chain_first_step_pressed_twice(console):
    await console.say("u-chen", SITE, "变更 预算增补 +120000 原因：地下室防水加做一道卷材")
    value = {"change": 1, "step": 1}
    results = await press_together(console, [("u-zhou", "change.approve", value)] * 2)
    assert sorted(r["toast"]["kind"] for r in results) == ["success", "warning"]
    assert await audit_actions(console.app) == ["change.raise", "change.approve"]
    director = [m for m in await console.bot_messages("dm", "u-guo") if m["body"]["type"] == "card"]
    assert len(director) == 1                                          # the next approver asked once
