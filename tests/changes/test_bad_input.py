"""Bad input gets a clear answer and changes nothing: missing or non-numeric amounts, a missing
reason, someone who may not raise changes, an approver who left, a role nobody holds, a
project without a contract."""
from __future__ import annotations

import pytest
from sqlalchemy import delete, func, select

from bot import keys
from bot.app import create_app
from domain.store.models import AuditEntry, ChangeRequest, ProjectMember
from tests.conftest import make_settings
from tests.console_driver import ConsoleDriver

SITE = "p001-site"


async def nothing_recorded(app) -> bool:  # noqa: ANN001
    async with app[keys.STORE].transaction() as tx:
        changes = await tx.session.scalar(select(func.count()).select_from(ChangeRequest))
        audit = await tx.session.scalar(select(func.count()).select_from(AuditEntry)
                                        .where(AuditEntry.subject_type == "change"))
    return changes == 0 and audit == 0


@pytest.mark.parametrize("text, answer", [
    ("变更 预算增补 原因：地下室防水加做一道卷材",
     "请写明增补金额，例如：变更 预算增补 +120000 原因：地下室防水加做一道卷材"),
    ("变更 预算增补 一百万 原因：地下室防水", "「一百万」不是有效的金额，请用数字，例如 +120000 或 +12万"),
    ("变更 预算增补 +12abc 原因：地下室防水", "「+12abc」不是有效的金额，请用数字，例如 +120000 或 +12万"),
    ("变更 工期调整 原因：下雨", "请写明工期影响的天数，例如：变更 工期调整 +15天 原因：甲方要求增加地下室防水"),
    ("变更 工期调整 +十五天 原因：下雨", "「+十五天」不是有效的天数，请用数字，例如 +15天"),
    ("变更 工期调整 +15天", "请写明变更原因，例如：…… 原因：甲方要求增加地下室防水"),
    ("变更 预算增补 +120000.555 原因：卷材", "金额超出范围：最多两位小数，且单项变更不超过 10 亿元。"),
    ("变更 工期调整 +5000天 原因：卷材", "工期影响不能超过 3650 天。"),
    ("变更 C-99", "变更 C-99 不存在。"),
    ("同意 C-99", "变更 C-99 不存在。"),
    ("驳回", "请写明变更编号和原因，例如：驳回 C-7 原因：造价偏高"),
])
async def test_bad_input_is_answered_and_nothing_changes(console, text, answer):
    await console.say("u-chen", SITE, text)
    assert await console.last_text(SITE) == answer
    assert await nothing_recorded(console.app)


async def test_without_a_kind_the_usage_is_shown(console):
    await console.say("u-chen", SITE, "变更 随便改改")
    assert (await console.last_text(SITE)).startswith("变更这样写：")


async def test_only_managers_and_engineers_raise_changes(console):
    for user in ("u-li", "u-liu"):           # foreman, customer contact
        await console.say(user, SITE, "变更 工期调整 +15天 原因：下雨")
        assert await console.last_text(SITE) == "无权限"
    assert await nothing_recorded(console.app)


async def test_a_cost_change_needs_a_contract(console):
    await console.say("u-lin", "p002-site", "变更 预算增补 +20000 原因：加做防水")
    assert await console.last_text("p002-site") == \
        "项目 P-002 还没有合同，涉及金额的变更无处计入，请先录入合同。"
    assert await nothing_recorded(console.app)


async def test_a_role_nobody_holds_refuses_the_change(console):
    async with console.app[keys.STORE].transaction() as tx:
        director = (await tx.people.by_name("郭总监"))[0]
        director.active = False
    await console.say("u-chen", SITE, "变更 预算增补 +120000 原因：加做防水")
    assert await console.last_text(SITE) == ("审批流程需要「总部工程总监」审批，但 P-001 目前没有人（除您本人外）"
                                             "担任该角色。请管理员先指派，再重新发起。")
    assert await nothing_recorded(console.app)


async def test_an_approver_who_left_cannot_decide(console):
    await console.say("u-chen", SITE, "变更 工期调整 +15天 原因：甲方要求增加地下室防水")
    dm = await console.last_bot("dm", user="u-zhou")
    async with console.app[keys.STORE].transaction() as tx:
        head = (await tx.people.by_name("周主管"))[0]
        head.org_roles = []                    # no longer department head
    out = await console.press("u-zhou", "dm", dm, "同意")
    assert out["toast"]["text"] == "您已不再担任「部门主管」，不能审批 C-1。请联系管理员处理。"
    assert (await console.last_bot(SITE))["version"] == 1


@pytest.fixture
async def engineer_console(db_url, clock, aiohttp_client):
    """Changes on P-001 approved by its engineer (a project role, so leaving the project counts)."""
    settings = make_settings(db_url, changes={"rules": [{"roles": ["engineer"]}]})
    app = create_app(settings, clock=clock, demo=True, run_worker=False)
    return ConsoleDriver(await aiohttp_client(app))


async def test_an_approver_removed_from_the_project_cannot_decide(engineer_console):
    console = engineer_console
    await console.say("u-chen", SITE, "变更 工期调整 +15天 原因：甲方要求增加地下室防水")
    dm = await console.last_bot("dm", user="u-wang")
    async with console.app[keys.STORE].transaction() as tx:
        wang = (await tx.people.by_name("王工"))[0]
        project = await tx.projects.by_code("P-001")
        await tx.session.execute(delete(ProjectMember).where(
            ProjectMember.person_id == wang.id, ProjectMember.project_id == project.id))
    out = await console.press("u-wang", "dm", dm, "同意")
    assert out["toast"]["text"] == "您已不再担任「工程师」，不能审批 C-1。请联系管理员处理。"
    async with console.app[keys.STORE].transaction() as tx:
        assert (await tx.session.scalar(select(ChangeRequest))).status == "pending"
