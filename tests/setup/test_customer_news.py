"""Issue 16, customers told what matters: from a company set up in chat (tests/setup), through
the console edge — a reached milestone and an approved change that moves dates are told to the
customer group at once in customer wording; the payment expected after a moved milestone moves
with it (应收); the evening digest lists the approved change, one weather, the crew once and the
issue without empty fragments, and nothing internal."""
from __future__ import annotations

from bot import keys
from handlers.progress.jobs import scan_digests
from tests.console_driver import card_text
from tests.setup.test_company_day import DM, OWNER, SITE, set_up_the_company


async def owner_texts(console) -> list[str]:
    return [m["body"]["text"] if m["body"]["type"] == "text" else card_text(m["body"])
            for m in await console.bot_messages(OWNER, "刘总")]


async def test_customer_group_told_at_once_and_in_the_digest(blank, clock):
    await set_up_the_company(blank)
    await blank.say("钱会计", DM, "付款节点 P-001 结构款 30% 于 主体结构封顶 后 10天")
    assert "2027-04-04" in await blank.last_text(DM, "钱会计")
    before = len(await owner_texts(blank))

    # A milestone reached in the site group: the customer group hears it at once.
    await blank.say("陈经理", SITE, "完成 基础完成")
    told = (await owner_texts(blank))[before:]
    assert len(told) == 1 and "基础完成" in told[0] and "已于 2026-11-23 完成" in told[0]

    # A change of +20 days, approved: the customer group is told what moved, not why or by whom.
    await blank.say("陈经理", SITE, "变更 工期调整 +20天 原因：内部排产冲突，成本另计")
    await blank.say("周主管", DM, "同意 C-1")
    await blank.press("周主管", DM, await blank.last_bot(DM, "周主管"), "确认同意")   # it moves the end date
    told = (await owner_texts(blank))[before + 1:]
    assert len(told) == 1, told
    news = told[0]
    assert "工期调整" in news and "主体结构封顶：预计完成 2027-03-25 → 2027-04-14" in news
    assert "项目预计竣工：2027-12-31 → 2028-01-20" in news
    assert "结构款：预计付款日期 2027-04-04 → 2027-04-24" in news
    for internal in ("排产", "成本", "周主管", "原因"):
        assert internal not in news

    # 应收 expects the structure payment on the moved date.
    await blank.say("钱会计", DM, "应收 P-001")
    receivables = await blank.last_text(DM, "钱会计")
    assert "2027-04-24" in receivables and "2027-04-04" not in receivables

    # Two logs of the same crew, the weather turning, a cost and a note for the team only.
    await blank.say("李工长", SITE,
                    "日志 二层砌筑 天气 晴 人数 30 问题：塔吊检修停工2小时，费用：800，内部：班组长请假")
    clock.advance(hours=1)
    await blank.say("孙安全", SITE, "日志 安全巡查，天气：雨，人数：25")

    clock.advance(hours=3)
    assert await scan_digests(blank.app[keys.JOBS]) >= 1
    await blank.deliver()
    digest = next(m["body"] for m in reversed(await blank.bot_messages(OWNER, "刘总"))
                  if m["body"]["type"] == "card" and m["body"]["title"].startswith("今日进展"))
    text = card_text(digest)
    assert "已确认的计划调整" in text and "工期调整：工期顺延 20 天，预计竣工 2027-12-31 → 2028-01-20" in text
    assert "天气: 晴转雨" in text and "出勤: 30 人" in text
    assert "问题: 塔吊检修停工2小时" in text and "塔吊检修停工2小时，" not in text
    for internal in ("800", "班组长", "排产"):
        assert internal not in text


async def test_a_budget_change_is_told_without_the_contract_value(blank, clock):
    await set_up_the_company(blank)
    before = len(await owner_texts(blank))
    await blank.say("陈经理", SITE, "变更 预算增补 +3万 原因：增加地下室防水")
    await blank.say("周主管", DM, "同意 C-1")
    told = (await owner_texts(blank))[before:]
    assert len(told) == 1 and "合同金额已按本次变更调整" in told[0], told
    assert "12,830,000" not in told[0] and "30,000" not in told[0]
