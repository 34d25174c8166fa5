"""Recording payments and reading receivables through the web console, as people would."""
from __future__ import annotations

from tests.console_driver import card_text, field, note

SITE, OWNER = "p001-site", "p001-owner"


async def test_ambiguous_amount_asks_for_the_milestone_then_records_once(console):
    await console.say("u-qian", SITE, "回款 P-001 20万 工行转账")
    picker = await console.last_bot(SITE)
    labels = [a["label"] for a in picker["body"]["actions"]]
    assert labels[0] == "⚠️ 进度款（基础完成） · 待收 ¥2,560,000.00 · 已逾期 59 天" and len(labels) == 4
    out = await console.press("u-qian", SITE, picker, labels[0])
    assert out["toast"] == {"text": "已记录回款 ¥200,000.00", "kind": "success"}
    card = (await console.last_bot(SITE))["body"]
    assert card["title"] == "回款 · P-001 进度款（基础完成）"
    assert field(card, "已收") == "¥200,000.00" and field(card, "待收") == "¥2,360,000.00"
    assert note(card) == "部分回款"
    # A second press (or another option on the same picker) records nothing.
    again = await console.press("u-qian", SITE, picker, labels[1])
    assert again["toast"]["text"] == "这笔回款已经记录过了，不会重复入账。"
    await console.say("u-qian", SITE, "应收 P-001")
    receivables = card_text((await console.last_bot(SITE))["body"])
    assert "待收 ¥2,360,000.00 · 逾期 59 天" in receivables


async def test_exact_amount_settles_and_thanks_the_customer_group(console):
    await console.say("u-qian", SITE, "回款 P-001 ¥2,560,000.00")
    card = (await console.last_bot(SITE))["body"]
    assert field(card, "待收") == "¥0.00" and note(card) == "已全部收回 · 2026-11-23"
    assert card["colour"] == "green"
    thanks = await console.last_text(OWNER, user="u-liu")
    assert thanks == "已收到贵方支付的「进度款（基础完成）」款项 ¥2,560,000.00，感谢对 滨江花园 5 号楼 的支持！"


async def test_overpayment_is_confirmed_first(console):
    await console.say("u-qian", SITE, "回款 P-001 300万", event_id="over-1")
    await console.say("u-qian", SITE, "回款 P-001 64万")   # exactly the 质保金: no question
    assert note((await console.last_bot(SITE))["body"]) == "已全部收回 · 2026-11-23"
    ask = next(m for m in await console.bot_messages(SITE) if m["body"]["title"] == "这笔回款记到哪一笔？")
    await console.press("u-qian", SITE, ask, "⚠️ 进度款（基础完成） · 待收 ¥2,560,000.00 · 已逾期 59 天")
    confirm = await console.last_bot(SITE)
    assert confirm["body"]["title"] == "超额回款，请确认"
    assert "超出 ¥440,000.00" in card_text(confirm["body"])
    out = await console.press("u-qian", SITE, confirm, "取消")
    assert out["toast"]["text"] == "已取消，没有入账"
    await console.say("u-qian", SITE, "应收 P-001")
    assert "待收 ¥2,560,000.00" in await console.last_text(SITE)      # nothing changed
    out = await console.press("u-qian", SITE, confirm, "确认入账")
    assert out["toast"]["text"] == "已记录回款 ¥3,000,000.00"
    assert field((await console.last_bot(SITE))["body"], "已收") == "¥3,000,000.00"


async def test_bad_input_gets_a_clear_answer_and_changes_nothing(console):
    cases = {
        "回款 P-001 -5万": "金额必须大于零",
        "回款 P-001 0": "金额必须大于零",
        "回款 P-001 1.234": "最多两位小数",
        "回款 P-01 20万": "没有项目 P-01，您是指 P-001 吗？",
        "回款 P-009 20万": "没有项目 P-009",
        "回款 P-001": "用法：回款 P-001 20万",
        "回款 P-003 20万": "P-003 还没有合同",
    }
    for text, answer in cases.items():
        await console.say("u-qian", SITE, text)
        assert answer in await console.last_text(SITE), text
    await console.say("u-qian", SITE, "应收 P-001")
    assert "待收 ¥2,560,000.00" in await console.last_text(SITE)


async def test_only_finance_and_managers_record_payments(console):
    for user in ("u-li", "u-wang", "u-liu", "u-zheng"):
        await console.say(user, SITE, "回款 P-001 256万")
        assert await console.last_text(SITE) == "无权限", user
    await console.say("u-chen", SITE, "回款 256万")    # the PM, in the project's chat
    assert "已全部收回" in await console.last_text(SITE)


async def test_receivables_ageing_and_scope(console):
    await console.say("u-qian", "dm", "应收")
    card = (await console.last_bot("dm", user="u-qian"))["body"]
    assert card["title"] == "应收账款 · 全部项目"
    assert field(card, "逾期 31–90 天") == "¥2,560,000.00"
    assert field(card, "未到期") == "¥8,960,000.00" and field(card, "合计") == "¥11,520,000.00"
    assert "节点达成后 30 天（预计" in card_text(card)
    await console.say("u-qian", "dm", "receivables")
    assert "31–90 days: ¥2,560,000.00" in await console.last_text("dm", user="u-qian")
    # Site staff do not see money; the customer sees only their own project, even when a
    # finance person asks in the customer group.
    await console.say("u-li", "dm", "应收")
    assert await console.last_text("dm", user="u-li") == "无权限"
    await console.say("u-qian", OWNER, "应收 P-002")   # naming another project there is refused
    assert await console.last_text(OWNER) == (
        "本群是 P-001 的客户群，只回答 P-001 的事；P-002 的信息请到它自己的群里查询。")
    await console.say("u-qian", OWNER, "应收")
    assert (await console.last_bot(OWNER))["body"]["title"] == "应收账款 · P-001"
    await console.say("u-he", "dm", "应收 P-003")
    assert await console.last_text("dm", user="u-he") == "无权限"
