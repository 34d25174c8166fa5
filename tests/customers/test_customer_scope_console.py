"""A customer-facing chat is answered about its own project only (issue 13, item 3), through the
web console with the groups bound and the people added in chat: a project's customer group
refuses to speak of another project, internal commands of every area are refused politely and
write nothing, and a customer contact's direct chat shows only what is theirs."""
from __future__ import annotations

from sqlalchemy import func, select

from bot import keys
from domain.store.models import ChangeRequest, Payment, Ticket
from tests.console_driver import card_text

P1_CUSTOMERS, P2_CUSTOMERS, P1_TEAM = "grp-p001-customers", "grp-p002-customers", "grp-p001-team"
OTHER = "本群是 P-002 的客户群，只回答 P-002 的事；P-001 的信息请到它自己的群里查询。"


async def bind_groups(console) -> None:  # noqa: ANN001
    """What the project managers do on day one, in chat."""
    await console.say("u-lin", P2_CUSTOMERS, "绑定 P-002 客户")
    assert "已绑定到 P-002" in await console.last_text(P2_CUSTOMERS)
    await console.say("u-lin", P2_CUSTOMERS, "成员 添加 @刘总（业主） 业主")
    assert "已把 刘总（业主） 加入 P-002" in await console.last_text(P2_CUSTOMERS)
    await console.say("u-chen", P1_CUSTOMERS, "绑定 P-001 客户")
    await console.say("u-chen", P1_TEAM, "绑定 P-001")
    assert "已绑定到 P-001" in await console.last_text(P1_TEAM)


async def count(console, model) -> int:  # noqa: ANN001
    async with console.app[keys.STORE].transaction() as tx:
        return await tx.session.scalar(select(func.count()).select_from(model))


def links(message: dict) -> list[str]:
    return [a["url"] for a in message["body"].get("actions", []) if a.get("type") == "link"]


async def test_progress_of_another_project_is_refused_in_a_customer_group(console):
    await bind_groups(console)
    # 刘总 is a contact on both projects, the admin may see everything: in P-002's customer
    # group neither gets P-001's card (nor its 7-day page link).
    for user in ("u-liu", "u-admin", "u-li"):
        await console.say(user, P2_CUSTOMERS, "进度 P-001")
        assert await console.last_text(P2_CUSTOMERS) == OTHER, user
    await console.say("u-liu", P2_CUSTOMERS, "progress P-001")
    assert await console.last_text(P2_CUSTOMERS) == (
        "This is P-002's customer group: it answers about P-002 only. Ask about P-001 in its own group.")
    history = await console.bot_messages(P2_CUSTOMERS)
    assert not any("P-001" in link for m in history for link in links(m))
    assert not any(m["body"].get("title", "").startswith("项目进度 · P-001") for m in history)
    # Its own project, with or without the code.
    for text in ("进度", "进度 P-002", "进度 p-002"):
        await console.say("u-liu", P2_CUSTOMERS, text)
        card = await console.last_bot(P2_CUSTOMERS)
        assert card["body"]["title"] == "项目进度 · P-002 临江三中教学楼改扩建", text
        [link] = links(card)
        assert "/p/P-002." in link
    # Elsewhere 刘总 may still look at P-001: in its customer group, and in his direct chat.
    await console.say("u-liu", P1_CUSTOMERS, "进度")
    assert (await console.last_bot(P1_CUSTOMERS))["body"]["title"].startswith("项目进度 · P-001")
    await console.say("u-liu", "dm", "进度 P-001")
    assert (await console.last_bot("dm", user="u-liu"))["body"]["title"].startswith("项目进度 · P-001")


async def test_internal_commands_of_every_area_are_refused_and_write_nothing(console):
    await bind_groups(console)
    await console.say("u-li", P1_TEAM, "报修 5号楼脚手架连墙件松动，安全隐患")   # P-001's T-1
    before = (await count(console, ChangeRequest), await count(console, Payment), await count(console, Ticket))
    refused = {
        ("u-lin", "变更 工期调整 +15天 原因：连续降雨"): "客户群里不处理「变更」，请在项目部群或私聊中使用。",
        ("u-lin", "审批 待办"): "客户群里不处理「审批」，请在项目部群或私聊中使用。",
        ("u-lin", "同意 C-1"): "客户群里不处理「同意」，请在项目部群或私聊中使用。",
        ("u-qian", "回款 P-002 20万"): "客户群里不处理「回款」，请在项目部群或私聊中使用。",
        ("u-qian", "应收 P-001"): OTHER,
        ("u-zheng", "客户 星河置业有限公司"): "客户群里不处理「客户」，请在项目部群或私聊中使用。",
        ("u-zheng", "商机 新建 临江市教育局 食堂改造 80万"): "客户群里不处理「商机」，请在项目部群或私聊中使用。",
        ("u-lin", "超时工单"): "客户群里不处理「超时工单」，请在项目部群或私聊中使用。",
        ("u-lin", "共享 T-1"): "客户群里不处理「共享」，请在项目部群或私聊中使用。",
        ("u-liu", "工单 T-1"): "这里查不到工单 T-1。",
        ("u-admin", "工单 T-1"): "这里查不到工单 T-1。",
        ("u-liu", "工单 T-99999999999999999999"): "这里查不到工单 T-99999999999999999999。",
        ("u-liu", "评价 T-1 5 很好"): "这里查不到工单 T-1。",
        ("u-liu", "报修 P-001 围挡破损"): OTHER,
        ("u-lin", "成员 P-001"): OTHER,
        ("u-lin", "成员 添加 @何监理 P-001 业主"): OTHER,
        ("u-liu", "我是谁"): "「我是谁」请私聊我发送。",
    }
    for (user, text), answer in refused.items():
        await console.say(user, P2_CUSTOMERS, text)
        assert await console.last_text(P2_CUSTOMERS) == answer, text
    after = (await count(console, ChangeRequest), await count(console, Payment), await count(console, Ticket))
    assert after == before
    # What is theirs is answered: the group's receivables, its members, help; 我是谁 directly.
    await console.say("u-qian", P2_CUSTOMERS, "应收")
    assert (await console.last_bot(P2_CUSTOMERS))["body"]["title"] == "应收账款 · P-002"
    await console.say("u-lin", P2_CUSTOMERS, "成员")
    assert "刘总（业主） · 业主/监理" in await console.last_text(P2_CUSTOMERS)
    await console.say("u-liu", "dm", "我是谁")
    assert "刘总（业主）" in await console.last_text("dm", user="u-liu")
    # The same commands in the project team's group work as before.
    await console.say("u-chen", P1_TEAM, "工单 T-1")
    card = (await console.bot_messages(P1_TEAM))[-2]["body"]
    assert card["title"] == "工单 T-1 · 5号楼脚手架连墙件松动"
    assert "接单" in [a["label"] for a in card["actions"]]


async def test_a_customer_contacts_direct_chat_is_theirs_only(console):
    await bind_groups(console)
    await console.say("u-sun", P1_TEAM, "报修 5号楼脚手架连墙件松动，安全隐患")      # internal T-1
    await console.say("u-liu", P1_CUSTOMERS, "报修 客厅天花板渗水，比较急")           # the customer's T-2
    # 何监理 (a contact on P-001 and P-002) asks about the internal incident in his direct
    # chat: as if it did not exist. The customer's ticket he may see, in its customer form.
    await console.say("u-he", "dm", "工单 T-1")
    assert await console.last_text("dm", user="u-he") == "这里查不到工单 T-1。"
    await console.say("u-he", "dm", "工单 T-2")
    messages = await console.bot_messages("dm", user="u-he")
    card, timeline = messages[-2]["body"], messages[-1]["body"]["text"]
    assert card["title"] == "工单 T-2 · 客厅天花板渗水" and card["actions"] == []
    assert timeline.startswith("工单 T-2 处理记录：") and "报修" in timeline
    # Internal commands: 无权限, as for anyone without the role; and other projects' codes too,
    # whether they exist or not (their names are not his business).
    for text in ("变更 C-1", "超时工单", "共享 T-2", "应收 P-003", "进度 P-003", "进度 P-404"):
        await console.say("u-he", "dm", text)
        assert await console.last_text("dm", user="u-he") == "无权限", text
    # 我的工单 there: his open customer tickets only.
    await console.say("u-he", "dm", "报修 P-002 操场围挡破损")
    await console.say("u-he", "dm", "我的工单")
    mine = card_text((await console.last_bot("dm", user="u-he"))["body"])
    assert "T-3" in mine and "T-1" not in mine and "T-2" not in mine
