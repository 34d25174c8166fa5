"""Ticket cards where the customer reads them carry only the customer's buttons, and the
customer's page and digest list only the customer's tickets: raised in the customer group, by
a customer contact, or shared by a manager (issue 13, item 3). Through the web console, with
the groups bound and the tickets reported in chat."""
from __future__ import annotations

from sqlalchemy import select

from bot import keys
from domain.store.models import AuditEntry, Person
from handlers.progress.jobs import scan_digests
from tests.console_driver import card_text, field

CUSTOMERS, TEAM = "grp-p001-customers", "grp-p001-team"
INTERNAL_BUTTONS = {"接单", "转派", "已解决", "更正", "接管", "等待客户", "等待材料", "恢复计时"}
SAFETY = "报修 5号楼脚手架连墙件松动，安全隐患"        # 孙安全 in the team's group: internal (medium)
LEAK = "报修 客厅天花板渗水，比较急"                  # 刘总 in the customer group: the customer's


async def setup_groups(console) -> None:  # noqa: ANN001
    await console.say("u-chen", CUSTOMERS, "绑定 P-001 客户")
    await console.say("u-chen", TEAM, "绑定 P-001")
    await console.say("u-chen", TEAM, "成员 添加 @周主管 项目经理")   # a second manager, by chat


def labels(message: dict) -> set[str]:
    return {a["label"] for a in message["body"].get("actions", [])}


async def ticket_cards(console, chat: str, number: str, user: str = "u-admin") -> list[dict]:  # noqa: ANN001
    return [m for m in await console.bot_messages(chat, user)
            if m["body"].get("title", "").startswith(f"工单 {number} ")]


async def page_html(console) -> str:  # noqa: ANN001
    await console.say("u-liu", CUSTOMERS, "进度")
    card = (await console.last_bot(CUSTOMERS))["body"]
    url = next(a["url"] for a in card["actions"] if a["type"] == "link")
    response = await console.client.get("/p/" + url.split("/p/", 1)[1])
    assert response.status == 200
    return await response.text()


async def test_the_customer_groups_copy_has_only_the_customers_buttons(console):
    await setup_groups(console)
    await console.say("u-liu", CUSTOMERS, LEAK)                  # 质量 -> 赵质检
    [group] = await ticket_cards(console, CUSTOMERS, "T-1")
    [assignee] = await ticket_cards(console, "dm", "T-1", user="u-zhao")
    assert labels(group) == set() and field(group["body"], "负责人") == "赵质检"
    assert {"接单", "转派", "已解决", "更正"} <= labels(assignee)
    assert "👁 客户可见（客户提出）" in card_text(assignee["body"])     # the team knows who sees it
    # A site-team button pressed in the customer group (a card posted there before this
    # release) does nothing there.
    out = await console.click("u-zhao", CUSTOMERS, group["id"], "ticket.accept", {"ticket": 1})
    assert out["toast"]["text"] == "这个按钮只能在项目部群或项目人员的私聊中使用。"
    assert (await ticket_cards(console, CUSTOMERS, "T-1"))[0]["version"] == 1
    # Accepted and resolved from the assignee's copy: the group's copy follows in its form.
    await console.press("u-zhao", "dm", assignee, "接单")
    [group] = await ticket_cards(console, CUSTOMERS, "T-1")
    assert group["version"] == 2 and field(group["body"], "状态") == "处理中" and labels(group) == set()
    [assignee] = await ticket_cards(console, "dm", "T-1", user="u-zhao")
    await console.press("u-zhao", "dm", assignee, "已解决")
    await console.say("u-zhao", "dm", "已更换防水层")          # what was done, asked for
    [group] = await ticket_cards(console, CUSTOMERS, "T-1")
    assert labels(group) == {"确认解决", "未解决"}
    # The confirmer (the customer who reported it) is asked directly, with the customer's form.
    [asked] = await ticket_cards(console, "dm", "T-1", user="u-liu")
    assert labels(asked) == {"确认解决", "未解决"}
    assert "📝 处理说明：已更换防水层" in card_text(asked["body"])
    out = await console.press("u-liu", CUSTOMERS, group, "确认解决")
    assert out["toast"]["text"] == "已确认解决，工单关闭"
    [group] = await ticket_cards(console, CUSTOMERS, "T-1")
    assert field(group["body"], "状态") == "已关闭" and labels(group) == set()
    survey = next(m for m in await console.bot_messages("dm", "u-liu") if m["body"].get("title", "").startswith("请为"))
    assert "5 很满意" in labels(survey)
    out = await console.press("u-liu", "dm", survey, "5 很满意")
    assert out["toast"]["text"] == "谢谢！已记录 5 分"
    await console.say("u-liu", CUSTOMERS, "工单 T-1")                 # the customer's timeline says it
    assert "赵质检 补充处理说明：已更换防水层" in await console.last_text(CUSTOMERS)


async def test_staff_reporting_in_the_customer_group_and_ticket_lookups_there(console):
    await setup_groups(console)
    await console.say("u-li", CUSTOMERS, "报修 业主反映单元门禁失灵")   # staff, for the customer
    [group] = await ticket_cards(console, CUSTOMERS, "T-1")
    assert not labels(group) & INTERNAL_BUTTONS
    await console.say("u-li", CUSTOMERS, "工单 T-1")
    messages = await console.bot_messages(CUSTOMERS)
    card, timeline = messages[-2], messages[-1]["body"]["text"]
    assert card["body"]["title"] == "工单 T-1 · 业主反映单元门禁失灵" and labels(card) == set()
    assert "报修" in timeline
    # Reassigned by the manager (an internal step): the customer's timeline does not show it.
    await console.say("u-chen", TEAM, "工单 T-1")
    team_copy = (await console.bot_messages(TEAM))[-2]
    await console.press("u-chen", TEAM, team_copy, "转派")
    picker = await console.last_bot(TEAM)
    await console.press("u-chen", TEAM, picker, picker["body"]["actions"][0]["label"])
    await console.say("u-liu", CUSTOMERS, "工单 T-1")
    assert "转派" not in await console.last_text(CUSTOMERS)
    await console.say("u-chen", TEAM, "工单 T-1")
    assert "转派" in await console.last_text(TEAM)


async def test_only_customer_tickets_reach_the_page_and_the_digest_until_shared(console, clock):
    await setup_groups(console)
    await console.say("u-sun", TEAM, SAFETY)                         # T-1 internal (high)
    await console.say("u-liu", CUSTOMERS, LEAK)                      # T-2 raised in the customer group
    await console.say("u-he", "dm", "报修 P-001 小区东门围挡破损")     # T-3 raised by a contact
    html = await page_html(console)
    assert "T-2 · 客厅天花板渗水" in html and "T-3 · 小区东门围挡破损" in html
    assert "T-1" not in html and "脚手架" not in html
    progress = (await console.last_bot(CUSTOMERS))["body"]
    assert field(progress, "未完成工单") == "高 1 · 中 1 · 低 0"          # T-2, T-3
    await console.say("u-chen", TEAM, "进度")                           # the team counts them all
    assert field((await console.last_bot(TEAM))["body"], "未完成工单") == "高 1 · 中 2 · 低 0"
    await console.say("u-liu", CUSTOMERS, "工单 T-1")
    assert await console.last_text(CUSTOMERS) == "这里查不到工单 T-1。"

    # Only a manager shares; the share is on the timeline and in the audit log.
    await console.say("u-li", TEAM, "共享 T-1")
    assert await console.last_text(TEAM) == (
        "无权限：只有项目经理 陈经理 或 项目经理 周主管 或 部门主管 或 总部客服 可以共享给客户")
    await console.say("u-chen", TEAM, "共享 T-1")
    assert (await console.last_text(TEAM)).startswith("已把工单 T-1「5号楼脚手架连墙件松动」共享给客户")
    html = await page_html(console)
    assert "T-1 · 5号楼脚手架连墙件松动" in html
    await console.say("u-liu", CUSTOMERS, "工单 T-1")
    shared = (await console.bot_messages(CUSTOMERS))[-2]
    assert shared["body"]["title"] == "工单 T-1 · 5号楼脚手架连墙件松动" and labels(shared) == set()
    await console.say("u-chen", TEAM, "共享 T-1")
    assert await console.last_text(TEAM) == "工单 T-1 已经共享给客户了。"
    await console.say("u-chen", TEAM, "取消共享 T-2")
    assert await console.last_text(TEAM) == "工单 T-2 是客户提出的，客户本来就能看到，无需共享或取消。"
    await console.say("u-zhou", TEAM, "取消共享 T-1")                   # the manager added in chat
    assert (await console.last_text(TEAM)).startswith("工单 T-1「5号楼脚手架连墙件松动」已取消共享")
    # The copy posted in the customer group is withdrawn in place; the page forgets it.
    withdrawn = next(m for m in await console.bot_messages(CUSTOMERS) if m["id"] == shared["id"])
    assert withdrawn["version"] == 2 and card_text(withdrawn["body"]) == "工单 T-1\n此工单不对客户显示。"
    assert "T-1" not in await page_html(console)
    for text, answer in (("共享 T-99999999999999999999", "工单 T-99999999999999999999 不存在。"),
                         ("共享 T-404", "工单 T-404 不存在。"),
                         ("共享", "用法：共享 T-12（让客户在项目页和日报中看到这张工单）｜ 取消共享 T-12")):
        await console.say("u-chen", TEAM, text)
        assert await console.last_text(TEAM) == answer, text
    async with console.app[keys.STORE].transaction() as tx:
        rows = list(await tx.session.execute(
            select(AuditEntry.action, Person.name, AuditEntry.subject_id)
            .join(Person, Person.id == AuditEntry.actor_id)
            .where(AuditEntry.action.in_(["ticket.shared", "ticket.unshared"])).order_by(AuditEntry.id)))
    assert [tuple(r) for r in rows] == [("ticket.shared", "陈经理", "T-1"), ("ticket.unshared", "周主管", "T-1")]
    await console.say("u-chen", TEAM, "工单 T-1")
    timeline = await console.last_text(TEAM)
    assert "陈经理 共享给客户" in timeline and "周主管 取消共享" in timeline

    # The digest at 18:00 counts the customer's open tickets only.
    clock.advance(hours=4)
    await scan_digests(console.app[keys.JOBS])
    await console.deliver()
    digest = (await console.last_bot(CUSTOMERS))["body"]
    assert digest["title"].startswith("今日进展 · P-001")
    assert field(digest, "未完成工单") == "高 1 · 中 1 · 低 0"


async def test_an_internal_incident_alone_sends_no_digest_to_the_customer(console, clock):
    await setup_groups(console)
    await console.say("u-sun", TEAM, SAFETY)
    clock.advance(hours=4)
    await scan_digests(console.app[keys.JOBS])
    await console.deliver()
    assert not any(m["body"].get("title", "").startswith("今日进展")
                   for m in await console.bot_messages(CUSTOMERS))
