"""Change requests through the web console over real HTTP: raise -> approval card to the
approver -> 同意 / 驳回 -> every copy updated in place, requester and group told, the change
takes effect; the wrong person gets 无权限; closed requests stay closed."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from bot import keys
from tests.changes.helpers import audit_actions, cards, texts
from tests.console_driver import card_text, field, note

SITE = "p001-site"
SCHEDULE = "变更 工期调整 +15天 原因：甲方要求增加地下室防水"
BUDGET = "变更 预算增补 +120000 原因：地下室防水加做一道卷材"


async def milestone_dates(app, code: str = "P-001") -> dict[str, tuple]:  # noqa: ANN001
    async with app[keys.STORE].transaction() as tx:
        project = await tx.projects.by_code(code)
        return {m.name: (m.planned_start, m.planned_end, m.actual_end)
                for m in await tx.projects.milestones(project.id)}


async def contract_value(app, code: str = "P-001") -> Decimal:  # noqa: ANN001
    async with app[keys.STORE].transaction() as tx:
        project = await tx.projects.by_code(code)
        return (await tx.changes.contract_for(project.id)).value


async def project_end(app, code: str = "P-001"):  # noqa: ANN001, ANN201
    async with app[keys.STORE].transaction() as tx:
        return (await tx.projects.by_code(code)).planned_end_date


async def test_schedule_change_card_goes_to_the_dept_head(console):
    await console.say("u-chen", SITE, SCHEDULE)
    card = (await console.last_bot(SITE))["body"]
    assert card["title"] == "变更 C-1 · 工期调整 · 甲方要求增加地下室防水"
    assert field(card, "工期影响") == "+15 天" and field(card, "费用影响") == "-"
    assert field(card, "申请人") == "陈经理" and field(card, "状态") == "审批中"
    assert field(card, "当前审批人") == "周主管（部门主管）"
    assert [a["label"] for a in card["actions"]] == ["同意", "驳回", "撤回"]
    assert note(card) == "待 周主管 审批（第 1/1 步）"
    dm = (await console.last_bot("dm", user="u-zhou"))["body"]
    assert dm["title"] == card["title"] and dm["card_key"] == "change:1"


async def test_approval_updates_every_copy_tells_everyone_and_moves_milestones(console, clock):
    before = await milestone_dates(console.app)
    # Raised in a DM (naming the project): the project group gets a copy too.
    await console.say("u-chen", "dm", SCHEDULE.replace("变更 ", "变更 P-001 "))
    group_card = await console.last_bot(SITE)
    dm = await console.last_bot("dm", user="u-zhou")
    clock.advance(minutes=5)
    out = await console.press("u-zhou", "dm", dm, "同意")
    # It moves the project's end date: asked first, with the dates before and after (issue 16).
    ask = await console.last_bot("dm", user="u-zhou")
    assert ask["body"]["title"] == "确认同意 C-1？"
    end = await project_end(console.app)
    assert (f"P-001 的计划竣工日期将从 **{end}** 改为 **{end + timedelta(days=15)}**（+15 天）"
            in card_text(ask["body"]))
    assert await audit_actions(console.app) == ["change.raise"] and await milestone_dates(console.app) == before
    out = await console.press("u-zhou", "dm", ask, "确认同意")
    assert out["toast"] == {"text": "已同意 C-1", "kind": "success"}
    assert await project_end(console.app) == end + timedelta(days=15)
    again = await console.press("u-zhou", "dm", ask, "确认同意")
    assert again["toast"]["text"] == "这个确认已经处理过了"
    for chat, user in ((SITE, "u-admin"), ("dm", "u-zhou")):
        copy = next(m for m in await cards(console, chat, user) if m["body"]["card_key"] == "change:1")
        assert copy["version"] == 2, chat                      # redrawn in place
        assert note(copy["body"]) == "已通过 · 周主管 · 11-23 14:05"
        assert copy["body"]["actions"] == []
    requester_copy = next(m for m in await cards(console, "dm", "u-chen"))
    assert requester_copy["version"] == 2 and field(requester_copy["body"], "状态") == "已通过"
    assert group_card["id"] == (await cards(console, SITE))[0]["id"]
    told = await texts(console, "dm", "u-chen")
    assert told[-1].startswith("✅ 您的变更 C-1「甲方要求增加地下室防水」已通过（最后审批：周主管）")
    assert "工期顺延 15 天" in told[-1]
    assert (await texts(console, SITE, "u-admin"))[-1].startswith("✅ 变更 C-1")
    after = await milestone_dates(console.app)
    for name, (start, end, actual_end) in before.items():
        if actual_end is not None:
            assert after[name] == (start, end, actual_end), name      # finished: untouched
        else:
            assert after[name][1] == end + timedelta(days=15), name  # planned finish moved
    assert "已生效" in card_text((await cards(console, SITE))[0]["body"])
    assert await audit_actions(console.app) == ["change.raise", "change.approve", "change.apply"]


async def test_budget_change_needs_two_steps_and_adds_to_the_contract(console):
    value = await contract_value(console.app)
    await console.say("u-chen", SITE, BUDGET)
    card = (await console.last_bot(SITE))["body"]
    assert field(card, "费用影响") == "+¥120,000.00"
    assert note(card) == "待 周主管 审批（第 1/2 步）"
    assert "1. 部门主管 周主管 — 待审批\n2. 总部工程总监 郭总监 — 未到" in card_text(card)
    await console.press("u-zhou", "dm", await console.last_bot("dm", user="u-zhou"), "同意")
    assert note((await console.last_bot(SITE))["body"]) == "待 郭总监 审批（第 2/2 步）"
    assert "第 1 步已由 周主管 同意" in (await texts(console, "dm", "u-chen"))[-1]
    assert await contract_value(console.app) == value                  # not yet
    director_dm = await console.last_bot("dm", user="u-guo")
    # The dept head's old step-1 button does nothing now.
    again = await console.press("u-zhou", "dm", await console.last_bot("dm", user="u-zhou"), "同意")
    assert again["toast"]["kind"] == "error"                            # 无权限: not his step now
    await console.press("u-guo", "dm", director_dm, "同意")
    assert await contract_value(console.app) == value + Decimal("120000")
    assert "合同 HT-2026-001 金额 ¥12,800,000.00 → ¥12,920,000.00" in card_text(
        (await cards(console, SITE))[-1]["body"])
    assert (await texts(console, SITE, "u-admin"))[-1].startswith("✅ 变更 C-1「地下室防水加做一道卷材」已审批通过")


async def test_only_the_current_approver_decides(console):
    await console.say("u-chen", SITE, BUDGET)
    card = await console.last_bot(SITE)
    for user in ("u-chen", "u-guo", "u-admin", "u-li", "u-liu"):
        out = await console.press(user, SITE, card, "同意")
        assert out["toast"] == {"text": "无权限", "kind": "error"}, user
        out = await console.press(user, SITE, card, "驳回")
        assert out["toast"] == {"text": "无权限", "kind": "error"}, user
    assert (await console.last_bot(SITE))["version"] == 1
    assert await audit_actions(console.app) == ["change.raise"]


async def test_reject_asks_for_a_reason_then_records_it(console):
    await console.say("u-chen", SITE, BUDGET)
    dm = await console.last_bot("dm", user="u-zhou")
    out = await console.press("u-zhou", "dm", dm, "驳回")
    assert out["toast"]["text"] == "请回复驳回原因：驳回 C-1 原因……"
    assert await console.last_text("dm", user="u-zhou") == "请写明驳回原因，回复：驳回 C-1 原因……"
    assert (await console.last_bot(SITE))["version"] == 1            # nothing decided yet
    await console.say("u-zhou", "dm", "驳回 C-1")
    assert await console.last_text("dm", user="u-zhou") == "驳回须写明原因，请回复：驳回 C-1 原因……"
    await console.say("u-zhou", "dm", "驳回 C-1 原因：造价偏高，请重新询价")
    card = (await cards(console, SITE))[-1]["body"]
    assert note(card) == "已驳回 · 周主管 · 11-23 14:00 · 原因：造价偏高，请重新询价"
    assert (await texts(console, SITE, "u-admin"))[-1] == \
        "❌ 变更 C-1「地下室防水加做一道卷材」已被 周主管 驳回。原因：造价偏高，请重新询价"
    assert "驳回。原因：造价偏高，请重新询价" in (await texts(console, "dm", "u-chen"))[-1]
    # A decision on a decided request: clear answer, nothing changed.
    await console.say("u-zhou", "dm", "同意 C-1")
    assert await console.last_text("dm", user="u-zhou") == "您已驳回 C-1，无需重复操作。"
    assert await audit_actions(console.app) == ["change.raise", "change.reject"]


async def test_withdraw_then_decisions_are_refused(console):
    value = await contract_value(console.app)
    await console.say("u-chen", SITE, BUDGET)
    dm = await console.last_bot("dm", user="u-zhou")
    out = await console.press("u-zhou", SITE, await console.last_bot(SITE), "撤回")
    assert out["toast"] == {"text": "无权限", "kind": "error"}        # only the requester
    await console.say("u-chen", SITE, "撤回 C-1")
    assert await console.last_text(SITE) == "已撤回 C-1"
    assert "已被 陈经理 撤回" in (await texts(console, "dm", "u-zhou"))[-1]
    out = await console.press("u-zhou", "dm", dm, "同意")
    assert out["toast"]["text"] == "C-1 已撤回，不能再审批或撤回。"
    await console.say("u-chen", SITE, "撤回 C-1")
    assert await console.last_text(SITE) == "C-1 已撤回，不能再审批或撤回。"
    assert await contract_value(console.app) == value
    assert await audit_actions(console.app) == ["change.raise", "change.withdraw"]


async def test_pending_list_and_history(console):
    await console.say("u-chen", SITE, BUDGET)
    await console.say("u-chen", SITE, SCHEDULE)
    await console.say("u-zhou", "dm", "审批 待办")
    listing = card_text((await console.last_bot("dm", user="u-zhou"))["body"])
    assert "待我审批（2）" in listing and "C-1" in listing and "C-2" in listing
    await console.say("u-chen", "dm", "审批 待办")
    mine = card_text((await console.last_bot("dm", user="u-chen"))["body"])
    assert "待我审批（0）" in mine and "我发起、审批中（2）" in mine
    await console.say("u-zhou", "dm", "驳回 C-2 原因：先做完主体")
    await console.say("u-chen", SITE, "变更 C-2")
    history = await console.last_text(SITE)
    assert history.splitlines()[0] == "C-2 的记录："
    assert "陈经理 发起变更" in history and "周主管 驳回（第 1 步）：先做完主体" in history
    await console.say("u-liu", SITE, "变更 C-2")                       # the customer: no
    assert await console.last_text(SITE) == "无权限"


async def test_english(console):
    await console.say("u-chen", SITE, "change schedule +10d reason: owner asked for more waterproofing")
    card = (await console.last_bot(SITE))["body"]
    assert card["title"] == "Change C-1 · Schedule change · owner asked for more waterproofing"
    assert field(card, "Schedule impact") == "+10 days"
