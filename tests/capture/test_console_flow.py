"""Plain sentences through the web console (every console message is addressed to the bot):
a sentence that reads like a problem report is a proposal at once; 登记 opens exactly the
ticket 报修 would, with the category and severity the card showed; 不用了 drops it; repeats
and other people's presses change nothing."""
from __future__ import annotations

from sqlalchemy import func, select

from bot import keys
from domain.store.models import ReportDraft, Ticket
from tests.console_driver import card_text, field

SITE = "p001-site"
HAZARD = "5号楼电梯口有钢筋没人管，很危险"


async def _tickets(console) -> list[Ticket]:
    async with console.app[keys.STORE].transaction() as tx:
        return list(await tx.session.scalars(select(Ticket).order_by(Ticket.id)))


async def _drafts(console) -> int:
    async with console.app[keys.STORE].transaction() as tx:
        return await tx.session.scalar(select(func.count()).select_from(ReportDraft))


async def test_a_hazard_sentence_is_proposed_with_category_and_severity(console):
    await console.say("u-li", SITE, HAZARD)
    card = await console.last_bot(SITE)
    body = card["body"]
    assert body["title"] == "要登记为工单吗？"
    assert f"**安全 · 高** · {HAZARD}" in card_text(body)
    assert [a["label"] for a in body["actions"]] == ["登记", "不用了"]
    assert await _tickets(console) == []          # nothing filed until the tap


async def test_file_opens_the_ticket_report_would_and_redraws_the_proposal(console):
    await console.say("u-li", SITE, HAZARD)
    proposal = await console.last_bot(SITE)
    out = await console.press("u-li", SITE, proposal, "登记")
    assert out["toast"] == {"text": "已登记为工单 T-1", "kind": "success"}
    [ticket] = await _tickets(console)
    assert (ticket.category, ticket.severity, ticket.title) == ("safety", "high", "5号楼电梯口有钢筋没人管")
    messages = await console.bot_messages(SITE)
    ticket_card = messages[-1]["body"]
    assert ticket_card["title"] == "工单 T-1 · 5号楼电梯口有钢筋没人管"
    assert field(ticket_card, "负责人") == "孙安全"           # 安全 -> the safety officer
    assert (await console.last_bot("dm", user="u-sun"))["body"]["title"] == ticket_card["title"]
    redrawn = next(m for m in messages if m["id"] == proposal["id"])
    assert redrawn["body"]["title"] == "已登记为工单 T-1" and redrawn["body"]["actions"] == []
    # Pressed again (another device, a late tap): no second ticket.
    again = await console.press("u-li", SITE, proposal, "登记")
    assert again["toast"]["text"] == "已经登记为工单 T-1"
    assert len(await _tickets(console)) == 1


async def test_no_thanks_drops_it_and_a_later_file_press_files_nothing(console):
    await console.say("u-li", SITE, HAZARD)
    proposal = await console.last_bot(SITE)
    out = await console.press("u-li", SITE, proposal, "不用了")
    assert out["toast"] == {"text": "好的，不登记", "kind": "success"}
    assert await _drafts(console) == 0
    redrawn = next(m for m in await console.bot_messages(SITE) if m["id"] == proposal["id"])
    assert redrawn["body"]["title"] == "不用登记"
    assert (await console.press("u-li", SITE, proposal, "不用了"))["toast"]["text"] == "好的，不登记"
    late = await console.press("u-li", SITE, proposal, "登记")
    assert late["toast"]["kind"] == "warning" and await _tickets(console) == []


async def test_only_the_author_may_answer_the_proposal(console):
    await console.say("u-li", SITE, HAZARD)
    proposal = await console.last_bot(SITE)
    for label in ("登记", "不用了"):
        out = await console.press("u-wang", SITE, proposal, label)
        assert out["toast"] == {"text": "无权限", "kind": "error"}
    assert await _tickets(console) == [] and await _drafts(console) == 1


async def test_chatter_addressed_to_the_bot_still_gets_the_short_help(console):
    await console.say("u-li", SITE, "明天早上7点开班前会，大家准时")
    text = await console.last_text(SITE)
    assert "要登记为工单吗" not in text and await _drafts(console) == 0


async def test_typo_aliases_run_report(console):
    for n, typed in enumerate(("保修 3层卫生间渗水", "报个修，3层卫生间渗水", "【报修】3层卫生间渗水",
                               "报修：3层卫生间渗水"), start=1):
        await console.say("u-li", SITE, typed)
        assert (await console.last_bot(SITE))["body"]["title"] == f"工单 T-{n} · 3层卫生间渗水"


async def test_one_to_one_from_someone_on_two_projects_asks_which_on_file(console):
    await console.say("u-li", "dm", "3层卫生间渗水，楼下天花板都湿了")
    proposal = await console.last_bot("dm", user="u-li")
    assert proposal["body"]["title"] == "要登记为工单吗？"
    out = await console.press("u-li", "dm", proposal, "登记")
    assert out["toast"]["text"] == "请选择项目"
    picker = await console.last_bot("dm", user="u-li")
    assert picker["body"]["title"] == "报修到哪个项目？"
    label = next(a["label"] for a in picker["body"]["actions"] if a["label"].startswith("P-002"))
    await console.press("u-li", "dm", picker, label)
    [ticket] = await _tickets(console)
    async with console.app[keys.STORE].transaction() as tx:
        assert (await tx.projects.get(ticket.project_id)).code == "P-002"
    assert (await console.last_bot("dm", user="u-li"))["body"]["title"].startswith("工单 T-1 · ")


async def test_the_customer_group_may_file_what_it_mentions(console):
    """The customer (刘总) in P-001's customer group: the proposal, 登记, and a ticket that is the
    customer's own; 保修 works there like 报修."""
    await console.say("u-liu", "p001-owner", "客厅墙上裂了一条缝，一米多长")
    proposal = await console.last_bot("p001-owner")
    assert proposal["body"]["title"] == "要登记为工单吗？"
    out = await console.press("u-liu", "p001-owner", proposal, "登记")
    assert out["toast"] == {"text": "已登记为工单 T-1", "kind": "success"}
    [ticket] = await _tickets(console)
    assert ticket.reporter_id is not None and ticket.customer_visible
    await console.say("u-liu", "p001-owner", "保修 卫生间门关不上")
    assert (await console.last_bot("p001-owner"))["body"]["title"] == "工单 T-2 · 卫生间门关不上"


async def test_one_to_one_from_someone_on_one_project_files_there_and_tells_its_group(console):
    """林经理 manages only P-002: no picker; the ticket card comes back here and, as for 报修
    one-to-one, goes to P-002's internal group (not its customer group)."""
    await console.say("u-lin", "dm", "教学楼三层走廊的灯全不亮，晚上黑漆漆的")
    proposal = await console.last_bot("dm", user="u-lin")
    assert "项目：P-002" in card_text(proposal["body"])
    await console.press("u-lin", "dm", proposal, "登记")
    [ticket] = await _tickets(console)
    here = await console.last_bot("dm", user="u-lin")
    group = await console.last_bot("p002-site")
    assert here["body"]["title"] == group["body"]["title"] == f"工单 T-1 · {ticket.title}"
    assert not [m for m in await console.bot_messages("p002-owner") if m["body"]["type"] == "card"]
