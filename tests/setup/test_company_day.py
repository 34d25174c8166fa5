"""Issue 14, done when: from an EMPTY database (no demo seed, no SQL), through the console edge
only, a contractor sets up its company — people in every role, a customer, a project with its
plan, contract and payment schedule, both groups bound — and then runs a day on a fixed
clock: a report, its escalation, the evening digest, a change approval that moves the plan, a
payment, and the dunning of the payment that fell due."""
from __future__ import annotations

from datetime import date

from bot import keys
from handlers.finance.jobs import scan_payments
from handlers.progress.jobs import scan_digests
from handlers.tickets.jobs import scan as scan_tickets
from tests.console_driver import card_text, field
from tests.setup.conftest import ADMIN

DM, SITE, OWNER = "dm", "site-group", "owner-group"


async def said(console, user: str, text: str, chat: str = DM) -> str:
    await console.say(user, chat, text)
    return await console.last_text(chat, user)


async def cards_to(console, user: str) -> list[str]:
    return [card_text(m["body"]) for m in await console.bot_messages(DM, user) if m["body"]["type"] == "card"]


async def set_up_the_company(console) -> None:
    # Org-wide roles, given by the admin named in the configuration.
    for name, role in [("周主管", "部门主管"), ("吴客服", "总部客服"), ("钱会计", "财务"), ("郑销售", "销售"),
                       ("黄总监", "总部工程总监"), ("冯总监", "财务总监")]:
        assert (await said(console, ADMIN, f"角色 添加 @{name} {role}")).startswith(f"已让 {name} 担任全公司的")
    # The customer, from sales.
    await console.say("郑销售", DM, "客户 新建 星河置业有限公司 开发商 A")
    # The project, from the department head: a card with its code and what is missing.
    await console.say("周主管", DM,
                      "项目 新建 滨江花园5号楼 客户 星河置业 经理 @陈经理 开工 2026-11-01 竣工 2027-12-31")
    card = (await console.last_bot(DM, "周主管"))["body"]
    assert card["title"] == "P-001 滨江花园5号楼" and field(card, "项目经理") == "陈经理"
    assert field(card, "客户") == "星河置业有限公司"
    assert "还差这几步" in card_text(card)
    # Both groups bound by the project manager, and the site team added in the group.
    assert "已绑定到 P-001" in await said(console, "陈经理", "绑定 P-001", SITE)
    assert "已绑定到 P-001" in await said(console, "陈经理", "绑定 P-001 客户", OWNER)
    for name, role in [("李工长", "施工员"), ("王工", "工程师"), ("赵质检", "质检员"), ("孙安全", "安全员"),
                       ("刘总", "业主")]:
        assert f"已把 {name} 加入 P-001" in await said(console, "陈经理", f"成员 添加 @{name} {role}", SITE)
    # The plan (weights add up to 100), the contract and its payment schedule.
    for line in ["基础完成 计划 2026-11-25 权重 20", "主体结构封顶 计划 2027-03-25 权重 50",
                 "竣工验收 计划 2027-12-20 权重 30"]:
        await console.say("陈经理", DM, f"节点 添加 P-001 {line}")
    assert "权重合计 100 ✅" in await console.last_text(DM, "陈经理")
    await console.say("钱会计", DM, "合同 P-001 HT-2026-001 金额 1280万 签订 2026-10-20")
    await console.say("钱会计", DM, "付款节点 P-001 预付款 10% 于 2026-11-10")
    await console.say("钱会计", DM, "付款节点 P-001 进度款 20% 于 基础完成 后 0天")
    schedule = await console.last_text(DM, "钱会计")
    assert "预付款 · ¥1,280,000.00（10%） · 2026-11-10" in schedule
    assert "进度款 · ¥2,560,000.00（20%） · 基础完成达成后 0 天" in schedule
    await console.say("周主管", DM, "项目 P-001")
    assert "项目已设置完整" in await console.last_text(DM, "周主管")


async def test_a_company_set_up_from_chat_runs_a_whole_day(blank, clock):
    await set_up_the_company(blank)
    jobs = blank.app[keys.JOBS]

    # 14:00 a report in the site group goes to the quality officer.
    await blank.say("李工长", SITE, "报修 5号楼3层卫生间渗水，比较急")
    ticket = (await blank.last_bot(SITE, "李工长"))["body"]
    assert field(ticket, "负责人") == "赵质检"

    # Nobody accepts it: 31 minutes later it escalates to the PM and the department head.
    clock.advance(minutes=31)
    assert await scan_tickets(jobs) >= 1
    await blank.deliver()
    for person in ("陈经理", "周主管"):
        assert any("T-1" in text for text in await cards_to(blank, person)), person

    # The site moves on: the foundation is done today.
    await blank.say("陈经理", SITE, "完成 基础完成")

    # A schedule change, approved by the department head, moves the rest of the plan.
    await blank.say("陈经理", SITE, "变更 工期调整 +15天 原因：甲方要求增加地下室防水")
    await blank.say("周主管", DM, "同意 C-1")
    await blank.press("周主管", DM, await blank.last_bot(DM, "周主管"), "确认同意")   # it moves the end date
    await blank.say("陈经理", DM, "节点 P-001")
    plan = await blank.last_text(DM, "陈经理")
    assert "主体结构封顶 · 2027-04-09" in plan and "竣工验收 · 2028-01-04" in plan
    assert "基础完成 · 2026-11-25 · 权重 20 · 100%" in plan          # reached: it stays

    # The customer pays the advance; finance records it.
    await blank.say("钱会计", DM, "回款 P-001 128万")
    assert "¥1,280,000.00" in await blank.last_text(DM, "钱会计")

    # 18:00: the customer group gets the day's digest.
    clock.advance(hours=4)
    assert await scan_digests(jobs) >= 1
    await blank.deliver()
    digest = [m["body"] for m in await blank.bot_messages(OWNER, "刘总") if m["body"]["type"] == "card"
              and m["body"]["title"].startswith("今日进展")]
    assert digest and "P-001 滨江花园5号楼" in digest[-1]["title"]

    # The payment scan: the progress payment fell due today (its milestone was reached), so the
    # dunning ladder starts; the advance is paid and is not chased.
    await scan_payments(jobs)
    await blank.deliver()
    owner = [card_text(m["body"]) for m in await blank.bot_messages(OWNER, "刘总") if m["body"]["type"] == "card"]
    assert any("进度款" in text for text in owner)
    assert not any("预付款" in text and "逾期" in text for text in owner)
    internal = await cards_to(blank, "钱会计")
    assert any("进度款" in text and date(2026, 11, 23).isoformat() in text for text in internal)
