"""项目 and 节点 from an empty database: a project card with its code and the next steps, edits,
the plan with weights shown as they are, closing and reopening; bad input writes nothing."""
from __future__ import annotations

from sqlalchemy import func, select

from bot import keys
from domain.store.models import AuditEntry, Milestone, Project
from tests.console_driver import card_text, field
from tests.setup.conftest import ADMIN

DM = "dm"
NEW = "项目 新建 滨江花园5号楼 客户 星河置业 经理 @陈经理 开工 2026-12-01 竣工 2027-12-31"


async def count(console, model) -> int:
    async with console.app[keys.STORE].transaction() as tx:
        return await tx.session.scalar(select(func.count()).select_from(model))


async def company(console) -> None:
    await console.say(ADMIN, DM, "客户 新建 星河置业有限公司 开发商 A")  # needs 销售/部门主管 …
    await console.say(ADMIN, DM, "角色 添加 @周主管 部门主管")


async def test_a_project_is_created_shown_listed_and_edited(blank):
    await company(blank)
    await blank.say("周主管", DM, NEW)
    messages = await blank.bot_messages(DM, "周主管")
    assert messages[-2]["body"]["text"] == "已新建项目 P-001 滨江花园5号楼。"
    card = messages[-1]["body"]
    assert card["title"] == "P-001 滨江花园5号楼"
    assert field(card, "客户") == "星河置业有限公司" and field(card, "项目经理") == "陈经理"
    assert field(card, "开工") == "2026-12-01" and field(card, "竣工") == "2027-12-31"
    text = card_text(card)
    assert "节点 添加 P-001" in text and "合同 P-001" in text and "绑定 P-001 客户" in text
    assert [a["label"] for a in card["actions"]] == ["添加计划", "录入合同", "绑定群", "查看计划"]
    await blank.press("周主管", DM, (await blank.bot_messages(DM, "周主管"))[-1], "录入合同")
    assert "合同 P-001 HT-2026-001 金额 1280万" in await blank.last_text(DM, "周主管")

    # The manager edits the details of their project; the dates stay in order.
    await blank.say("陈经理", DM, "项目 P-001 修改 地址 临江市滨江大道88号 日报 18:30 日历 工作时间 工作日 周一至周六")
    card = (await blank.last_bot(DM, "陈经理"))["body"]
    assert field(card, "地址") == "临江市滨江大道88号" and field(card, "日报时间") == "18:30"
    assert field(card, "计时方式").startswith("工作时段计时")
    async with blank.app[keys.STORE].transaction() as tx:
        project = await tx.projects.by_code("P-001")
        assert project.calendar == {"business_hours": True, "workdays": [1, 2, 3, 4, 5, 6]}
    await blank.say("陈经理", DM, "项目 P-001 修改 竣工 2026-11-01")
    assert await blank.last_text(DM, "陈经理") == "竣工日期 2026-11-01 早于开工日期 2026-12-01，请检查。"
    await blank.say("周主管", DM, "项目 新建 星河广场 客户 星河")
    await blank.say("周主管", DM, "项目")
    listing = await blank.last_text(DM, "周主管")
    assert "P-001 滨江花园5号楼" in listing and "P-002 星河广场" in listing


async def test_bad_project_input_gets_one_line_and_writes_nothing(blank):
    await company(blank)
    before = await count(blank, AuditEntry)
    for text, answer in [
        ("项目 新建 A楼 客户 不存在的公司",
         "没有名为「不存在的公司」的客户。请先用「客户 新建 不存在的公司 开发商」建客户。"),
        ("项目 新建 A楼 经理 无名氏", "没有找到名叫「无名氏」的人，请用 @ 提及对方。"),
        ("项目 新建 A楼 开工 2026-13-01", "「2026-13-01」不是日期，请写成 2026-12-01（或 12-01）。"),
        ("项目 新建 A楼 开工 2026-12-01 竣工 2026-11-30", "竣工日期 2026-11-30 早于开工日期 2026-12-01，请检查。"),
        ("项目 新建 A楼 开工 2026-12-01 开工 2026-12-02", "「开工」写了两次，请只写一次。"),
    ]:
        await blank.say("周主管", DM, text)
        assert await blank.last_text(DM, "周主管") == answer, text
    await blank.say("陈经理", DM, "项目 新建 A楼")          # not a registered person yet
    assert await count(blank, Project) == 0 and await count(blank, AuditEntry) == before
    await blank.say(ADMIN, DM, "成员 P-001")
    await blank.say("周主管", DM, "项目 新建 A楼 经理 @陈经理")
    await blank.say("陈经理", DM, "项目 新建 B楼")
    assert await blank.last_text(DM, "陈经理") == "无权限"
    assert await count(blank, Project) == 1


async def test_the_plan_shows_weights_as_they_are(blank):
    await company(blank)
    await blank.say("周主管", DM, NEW)
    await blank.say("陈经理", DM, "节点 添加 P-001 基础完成 计划 2027-01-15 权重 20")
    assert (await blank.bot_messages(DM, "陈经理"))[-2]["body"]["text"] == "已在 P-001 的计划里添加节点「基础完成」。"
    await blank.say("陈经理", DM, "节点 添加 P-001 主体结构封顶 计划 2027-03-25 权重 30")
    plan = await blank.last_text(DM, "陈经理")
    assert "1. 基础完成 · 2027-01-15 · 权重 20 · 0%" in plan
    assert "2. 主体结构封顶 · 2027-03-25 · 权重 30 · 0%" in plan
    assert "⚠ 权重合计 50，不是 100" in plan
    await blank.say("陈经理", DM, "节点 添加 P-001 竣工验收 开始 2027-11-01 计划 2028-01-10 权重 50")
    plan = await blank.last_text(DM, "陈经理")
    assert "权重合计 100 ✅" in plan and "2027-11-01 → 2028-01-10 · 权重 50 · 0% ⚠ 晚于竣工日期" in plan
    await blank.say("陈经理", DM, "节点 修改 P-001 竣工验收 计划 2027-12-20 权重 40 名称 竣工")
    plan = await blank.last_text(DM, "陈经理")
    assert "3. 竣工 · 2027-11-01 → 2027-12-20 · 权重 40" in plan and "⚠ 权重合计 90" in plan
    await blank.say("陈经理", DM, "节点 排序 P-001 主体结构封顶")
    plan = await blank.last_text(DM, "陈经理")
    assert plan.index("1. 主体结构封顶") < plan.index("2. 基础完成") < plan.index("3. 竣工")
    await blank.say("陈经理", DM, "节点 删除 P-001 竣工")
    assert "已删除节点「竣工」" in (await blank.bot_messages(DM, "陈经理"))[-2]["body"]["text"]
    async with blank.app[keys.STORE].transaction() as tx:
        rows = await tx.projects.milestones((await tx.projects.by_code("P-001")).id)
        assert [(m.name, m.seq, m.weight) for m in rows] == [("主体结构封顶", 1, 30), ("基础完成", 2, 20)]

    before = await count(blank, Milestone)
    for text, answer in [
        ("节点 添加 P-001 基础完成 计划 2027-01-15 权重 20", "已经有节点「基础完成」了，换个名字或用「节点 修改」。"),
        ("节点 添加 P-001 装修 计划 2027-02-30", "「2027-02-30」不是日期，请写成 2026-12-01（或 12-01）。"),
        ("节点 添加 P-001 装修 计划 2027-05-01 权重 130", "权重 130 不行：每个节点的权重在 0 到 100 之间。"),
        ("节点 添加 P-001 装修 开始 2027-06-01 计划 2027-05-01",
         "节点「装修」的计划完成 2027-05-01 早于开始 2027-06-01。"),
        ("节点 修改 P-001 不存在 权重 5", None),
    ]:
        await blank.say("陈经理", DM, text)
        if answer:
            assert await blank.last_text(DM, "陈经理") == answer, text
    assert "没有" in await blank.last_text(DM, "陈经理") or "不存在" in await blank.last_text(DM, "陈经理")
    await blank.say("李工长", DM, "节点 添加 P-001 装修 计划 2027-05-01 权重 10")
    assert await count(blank, Milestone) == before


async def test_closing_stops_the_project_and_reopening_starts_it(blank):
    await company(blank)
    await blank.say("周主管", DM, NEW)
    await blank.say("陈经理", DM, "项目 关闭 P-001")
    assert await blank.last_text(DM, "陈经理") == "无权限"
    await blank.say("周主管", DM, "项目 关闭 P-001")
    assert await blank.last_text(DM, "周主管") == (
        "已关闭 P-001 滨江花园5号楼：不再发日报、周报和付款提醒。历史记录都保留。")
    await blank.say("陈经理", DM, "节点 添加 P-001 基础完成 计划 2027-01-15 权重 20")
    assert "P-001 已关闭" in await blank.last_text(DM, "陈经理")
    await blank.say("周主管", DM, "项目")
    assert "P-001" not in await blank.last_text(DM, "周主管")
    await blank.say("周主管", DM, "项目 全部")
    assert "P-001 滨江花园5号楼（已关闭）" in await blank.last_text(DM, "周主管")
    await blank.say("周主管", DM, "项目 重开 P-001")
    assert await blank.last_text(DM, "周主管") == "已重开 P-001 滨江花园5号楼。"
