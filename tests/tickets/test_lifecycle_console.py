"""A ticket from report to closure through the web console over HTTP: photos sent after the
report, the reporter correcting the category, accept, pause and resume, 已解决 → the reporter
confirms (未解决 reopens with a fresh SLA, 确认解决 closes), the satisfaction card, the
timeline, the audit log; and auto-close when nobody answers."""
from __future__ import annotations

import uuid

from sqlalchemy import select

from bot import keys
from domain.store.models import TicketSurvey
from tests.console_driver import card_text, field, note
from tests.tickets.helpers import (SITE, audit_actions, cards, event_kinds, labels, report,
                                   run_scan, texts, ticket)


async def send(console, user: str, chat: str, text: str = "", attachments=()):  # noqa: ANN001, ANN201
    response = await console.client.post("/console/api/messages", json={
        "user": user, "chat": chat, "text": text, "attachments": list(attachments),
        "event_id": uuid.uuid4().hex})
    assert response.status == 200, await response.text()
    await console.deliver()


def current(messages, card):  # noqa: ANN001, ANN201
    return next(m for m in messages if m["id"] == card["id"])


async def test_report_to_closure(console, clock):
    card = await report(console, "报修 2号楼外墙空鼓")                  # 质量 · 中
    assert field(card["body"], "类别") == "质量" and field(card["body"], "紧急程度") == "中"
    # Two photos and the location a minute later join the ticket.
    clock.advance(minutes=1)
    await send(console, "u-li", SITE, attachments=[{"kind": "image", "ref": "/media/a.jpg"},
                                                   {"kind": "image", "ref": "/media/b.jpg"},
                                                   {"kind": "location", "latitude": 31.2,
                                                    "longitude": 121.5, "name": "2号楼北侧"}])
    assert await console.last_text(SITE) == "已添加到工单 T-1：2 张照片、位置。"
    card = current(await console.bot_messages(SITE), card)
    assert field(card["body"], "照片") == "2 张" and field(card["body"], "位置") == "2号楼北侧"
    # The reporter corrects it: it is a safety matter, and urgent.
    await console.press("u-li", SITE, card, "更正")
    picker = await console.last_bot(SITE)
    assert "✓ 质量" in labels(picker) and "✓ 中" in labels(picker)
    out = await console.press("u-li", SITE, picker, "安全")
    assert out["toast"]["text"] == "已更正为 安全"
    await console.press("u-li", SITE, picker, "高")
    card = current(await console.bot_messages(SITE), card)
    assert field(card["body"], "类别") == "安全" and field(card["body"], "紧急程度") == "高"
    assert field(card["body"], "负责人") == "孙安全"                   # re-dispatched by the rules
    assert field(card["body"], "接单时限") == "11-23 14:31"           # high: 30 min
    assert "T-1" in card_text((await cards(console, "dm", "u-sun"))[-1]["body"])
    denied = await console.press("u-wang", SITE, picker, "低")         # not the reporter
    assert denied["toast"]["text"] == "无权限：只有报修人 李工长 或 项目经理 陈经理 或 部门主管 或 总部客服 可以更正"
    # Accept, wait on material for an hour, resume.
    await console.press("u-sun", SITE, card, "接单")
    card = current(await console.bot_messages(SITE), card)
    await console.press("u-sun", SITE, card, "等待材料")
    card = current(await console.bot_messages(SITE), card)
    assert "已暂停计时：等待材料" in card_text(card["body"])
    clock.advance(hours=1)
    await console.press("u-sun", SITE, card, "恢复计时")
    card = current(await console.bot_messages(SITE), card)
    assert field(card["body"], "解决时限") == "11-23 19:00"            # 14:00 + 4 h + 1 h paused
    # 已解决 -> the reporter is asked; 未解决 reopens with a fresh SLA.
    clock.advance(minutes=30)
    await console.press("u-sun", SITE, card, "已解决")
    # The resolver is asked what was done; the reporter only once it is said.
    assert "做了什么" in await console.last_text(SITE)
    assert await cards(console, "dm", "u-li") == []
    await console.say("u-sun", SITE, "更换了止水节")
    assert "请确认" in (await texts(console, "dm", "u-li"))[-1]
    ask = (await cards(console, "dm", "u-li"))[-1]
    assert labels(ask) == ["确认解决", "未解决"]
    assert "📝 处理说明：更换了止水节" in card_text(ask["body"])
    denied = await console.press("u-sun", SITE, ask, "确认解决")       # not the assignee's call
    assert denied["toast"]["text"] == "无权限：只有报修人 李工长 可以确认解决"
    out = await console.press("u-li", "dm", ask, "未解决")
    assert out["toast"]["text"] == "已重新打开，负责人会继续处理"
    card = current(await console.bot_messages(SITE), card)
    assert field(card["body"], "状态") == "处理中" and field(card["body"], "解决时限") == "11-23 19:31"
    assert "重新打开" in (await texts(console, "dm", "u-sun"))[-1]
    # Resolved again; this time confirmed: closed, and the satisfaction card comes.
    await console.press("u-sun", SITE, card, "已解决")
    await console.say("u-sun", SITE, "跳过")
    ask = current(await console.bot_messages("dm", "u-li"), ask)
    assert "📝 没有填写处理说明（孙安全 选择跳过）" in card_text(ask["body"])
    out = await console.press("u-li", "dm", ask, "确认解决")
    assert out["toast"]["text"] == "已确认解决，工单关闭"
    card = current(await console.bot_messages(SITE), card)
    assert note(card["body"]).startswith("已关闭") and card["body"]["actions"] == []
    again = await console.press("u-li", "dm", ask, "确认解决")
    assert "当前状态不允许" in again["toast"]["text"]
    survey = (await cards(console, "dm", "u-li"))[-1]
    assert survey["body"]["title"] == "请为工单 T-1 的处理打分" and len(labels(survey)) == 5
    assert (await console.press("u-sun", "dm", survey, "5 很满意"))["toast"]["text"] == "无权限"
    out = await console.press("u-li", "dm", survey, "4 满意")
    assert out["toast"]["text"] == "谢谢！已记录 4 分"
    await console.say("u-li", "dm", "评价 T-1 处理及时，材料等得有点久")
    survey = current(await console.bot_messages("dm", "u-li"), survey)
    assert "您的评分：4 满意" in card_text(survey["body"]) and "材料等得有点久" in card_text(survey["body"])
    async with console.app[keys.STORE].transaction() as tx:
        [row] = list(await tx.session.scalars(select(TicketSurvey)))
    assert (row.score, row.project_id, row.assignee_id is not None) == (4, 1, True)
    # The timeline and the audit log saw every step.
    await console.say("u-li", SITE, "工单 T-1")
    timeline = await console.last_text(SITE)
    for words in ("李工长 报修", "补充照片/位置", "更正为 安全", "更正为 高", "孙安全 接单",
                  "暂停计时（等待材料）", "恢复计时", "确认未解决，重新打开", "确认解决，关闭",
                  "评分 4 分", "孙安全 补充处理说明：更换了止水节", "孙安全 跳过处理说明"):
        assert words in timeline, words
    actions = await audit_actions(console)
    for action in ("ticket.created", "ticket.attached", "ticket.corrected", "ticket.accepted",
                   "ticket.paused", "ticket.resumed", "ticket.resolved", "ticket.reopened",
                   "ticket.closed", "ticket.rated", "ticket.commented", "ticket.resolution_note",
                   "ticket.resolution_skipped"):
        assert action in actions, action


async def test_no_answer_closes_after_the_configured_days(console, clock):
    card = await report(console)
    await console.press("u-zhao", SITE, card, "已解决")
    clock.advance(days=2, hours=23)
    assert await run_scan(console) == 0
    clock.advance(hours=1)
    assert await run_scan(console) == 1
    assert (await ticket(console)).status == "closed"
    assert (await event_kinds(console))[-1] == "auto_closed"
    survey = (await cards(console, "dm", "u-li"))[-1]
    assert survey["body"]["card_key"] == "survey:1"
    assert await run_scan(console) == 0


async def test_photos_without_a_recent_report_and_chatter(console, clock):
    await send(console, "u-li", SITE, attachments=[{"kind": "image", "ref": "/media/x.jpg"}])
    assert "报修后 10 分钟内" in await console.last_text(SITE)
    await report(console)
    clock.advance(minutes=11)                                        # too late for this one
    await send(console, "u-li", SITE, attachments=[{"kind": "image", "ref": "/media/y.jpg"}])
    assert "报修后 10 分钟内" in await console.last_text(SITE)
    await console.say("u-li", SITE, "今天天气不错")                    # the old short help
    assert "发送「帮助」" in await console.last_text(SITE)


async def test_bad_clicks_change_nothing(console, clock):
    card = await report(console)
    await console.press("u-zhao", SITE, card, "已解决")
    for action, value in (("ticket.accept", {"ticket": 1}), ("ticket.pause", {"ticket": 1, "reason": "customer"}),
                          ("ticket.take_over", {"ticket": 1})):
        out = await console.click("u-zhao", SITE, card["id"], action, value)
        assert out["toast"]["kind"] in ("warning", "error"), action
    out = await console.click("u-zhao", SITE, card["id"], "ticket.assign", {"ticket": 1, "to": 999})
    assert "当前状态不允许" in out["toast"]["text"]
    out = await console.click("u-li", SITE, card["id"], "ticket.rate", {"ticket": 1, "score": 9})
    assert "满意度调查" in out["toast"]["text"] or "1 到 5" in out["toast"]["text"]
    assert (await ticket(console)).status == "resolved"
    await console.say("u-li", SITE, "评价 T-1")
    assert "用法" in await console.last_text(SITE)
