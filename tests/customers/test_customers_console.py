"""Customers and the sales funnel through the web console; follow-up and due-date jobs."""
from __future__ import annotations

from datetime import date

from bot import keys
from handlers.customers.jobs import scan_follow_ups
from handlers.finance.jobs import scan_payments
from tests.console_driver import card_text, field

DM = "dm"


async def test_create_and_look_up_a_customer(console):
    await console.say("u-zheng", DM, "客户 新建 华景地产 开发商 A #VIP,重点跟进 预算 1000万-5000万")
    card = (await console.last_bot(DM, user="u-zheng"))["body"]
    assert card["title"] == "客户 · 华景地产"
    assert field(card, "类型") == "开发商类" and field(card, "等级") == "A"
    assert field(card, "标签") == "VIP、重点跟进" and field(card, "预算") == "1000万 – 5000万"
    assert field(card, "信用") == "暂无到期款项，尚无记录"
    await console.say("u-zheng", DM, "客户 联系人 华景地产 张总 139-1111-2222 董事长")
    assert "已为「华景地产」添加联系人 张总" in await console.last_text(DM, user="u-zheng")
    await console.say("u-zheng", DM, "客户 华景")
    assert "张总（董事长）· 139-1111-2222" in await console.last_text(DM, user="u-zheng")
    for text, answer in {"客户 新建 华景地产 开发商": "已经有客户「华景地产」了",
                         "客户 新建 某公司 A": "请写明客户类型",
                         "客户 新建 某公司 政府 D": "没看懂「D」",
                         "客户 新建 某公司 政府 预算 5000万-1000万": "下限不能大于上限",
                         "客户 没有这家": "没有找到客户「没有这家」"}.items():
        await console.say("u-zheng", DM, text)
        assert answer in await console.last_text(DM, user="u-zheng"), text


async def test_customer_card_shows_credit_from_payment_behaviour(console):
    await console.say("u-qian", DM, "客户 星河置业有限公司")
    card = (await console.last_bot(DM, user="u-qian"))["body"]
    # Advance paid on time, 进度款 59 days overdue: half on time.
    assert field(card, "信用") == "C 级 · 按时付款 50%（2 笔到期）· 最长逾期 59 天 · 当前逾期 1 笔"
    assert field(card, "到期未收") == "¥2,560,000.00"
    text = card_text(card)
    assert "P-001 滨江花园 5 号楼" in text and "星河广场二期 · 谈判签约" in text
    await console.say("u-qian", "p001-site", "回款 P-001 256万")
    await console.say("u-qian", DM, "客户 星河置业有限公司")
    card = (await console.last_bot(DM, user="u-qian"))["body"]
    assert field(card, "信用") == "C 级 · 按时付款 50%（2 笔到期）· 最长逾期 59 天"
    assert field(card, "到期未收") == "¥0.00"


async def test_customer_records_stay_internal(console):
    await console.say("u-zheng", "p001-owner", "客户 星河置业有限公司")
    assert await console.last_text("p001-owner") == "客户群里不处理「客户」，请在项目部群或私聊中使用。"
    for user in ("u-liu", "u-li"):
        await console.say(user, DM, "客户 星河置业有限公司")
        assert await console.last_text(DM, user=user) == "无权限"
        await console.say(user, DM, "客户 新建 某公司 政府")
        assert await console.last_text(DM, user=user) == "无权限"


async def test_opportunity_through_the_funnel_becomes_a_project(console):
    await console.say("u-zheng", DM, "商机 新建 临江市教育局 临江二中食堂 680万 跟进 11-30")
    card = await console.last_bot(DM, user="u-zheng")
    assert card["body"]["title"] == "商机 #3 · 临江二中食堂"
    assert field(card["body"], "金额") == "¥6,800,000.00" and field(card["body"], "赢单概率") == "10%"
    assert field(card["body"], "下次跟进") == "2026-11-30"
    denied = await console.press("u-li", DM, card, "推进到下一阶段")
    assert denied["toast"]["text"] == "无权限"
    for stage in ("需求分析", "方案报价", "谈判签约"):
        out = await console.press("u-zheng", DM, card, "推进到下一阶段")
        assert out["toast"]["text"] == f"已推进到「{stage}」"
    card = await console.last_bot(DM, user="u-zheng")   # redrawn in place
    assert field(card["body"], "阶段") == "谈判签约" and card["version"] == 4
    assert [a["label"] for a in card["body"]["actions"]] == ["赢单", "输单"]
    await console.press("u-zheng", DM, card, "赢单")
    card = await console.last_bot(DM, user="u-zheng")
    out = await console.press("u-zheng", DM, card, "转为项目")
    assert out["toast"]["text"] == "已创建项目 P-004"
    opportunity, project = [m["body"] for m in (await console.bot_messages(DM, user="u-zheng"))[-2:]]
    assert "已转为项目 P-004" in card_text(opportunity)
    # The project comes with its customer, amount and owner, and asks for the rest.
    assert project["title"] == "P-004 临江二中食堂" and field(project, "客户") == "临江市教育局"
    assert field(project, "合同").startswith("预计 ¥6,800,000.00") and field(project, "商机负责人") == "郑销售"
    assert "项目经理：项目 P-004 修改 经理 @某人" in card_text(project)
    await console.say("u-zheng", DM, "商机")
    funnel = await console.last_text(DM, user="u-zheng")
    assert "**谈判签约** · 1 个 · ¥68,000,000.00" in funnel and "临江二中食堂" not in funnel


async def test_follow_up_reminder_reaches_the_owner_once(console, clock):
    jobs = console.app[keys.JOBS]
    await scan_follow_ups(jobs)
    await scan_follow_ups(jobs)
    await console.deliver()
    reminders = [m for m in await console.bot_messages(DM, user="u-zheng")
                 if m["body"]["title"].startswith("今天跟进")]
    assert [m["body"]["title"] for m in reminders] == ["今天跟进 · 星河广场二期"]
    clock.advance(days=5)
    await scan_follow_ups(jobs)
    await console.deliver()
    titles = [m["body"]["title"] for m in await console.bot_messages(DM, user="u-zheng")]
    assert "今天跟进 · 临江一中体育馆" in titles


async def test_reaching_a_project_milestone_sets_the_payment_due_date(console):
    async with console.app[keys.STORE].transaction() as tx:
        project = await tx.projects.by_code("P-001")
        topping_out = next(m for m in await tx.projects.milestones(project.id) if m.seq == 2)
        topping_out.actual_end = date(2026, 11, 20)
    await scan_payments(console.app[keys.JOBS])
    await console.deliver()
    got = [card_text(m["body"]) for m in await console.bot_messages(DM, user="u-chen")
           if "进度款（主体封顶）" in m["body"]["title"]]
    assert len(got) == 1 and "到期日: 2026-12-20" in got[0]
    await console.say("u-qian", DM, "应收 P-001")
    assert "进度款（主体封顶） · 待收 ¥3,840,000.00 · 到期 2026-12-20" in await console.last_text(DM, user="u-qian")
