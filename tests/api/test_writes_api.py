"""Ticket and change writes through /api/v1 over real HTTP, with the Feishu edge on and a fake
Feishu open platform: a ticket opened by an outside form has the effects 报修 has (the card in
the project's Feishu group, the assignee told, the webhook fired); comment and resolve; a
change raised as 变更 raises one; Idempotency-Key, scopes and a token's projects."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot import keys
from domain.store.models import AuditEntry, ChangeRequest, OutboxMessage, Ticket
from tests.api.conftest import Api
from tests.api.test_webhooks import subscribe
from tests.api.webhook_receiver import Receiver
from tests.console_driver import ConsoleDriver, card_text
from tests.platforms.feishu.conftest import SITE, fake, feishu  # noqa: F401 - fixtures
from tests.platforms.feishu.driver import buttons, card_texts

FORM = {"project": "P-001", "text": "5号楼3层卫生间渗水，比较急",
        "reporter": {"name": "业主王先生", "contact": "13800001111"}}


@pytest.fixture
async def api(feishu, capsys) -> Api:  # noqa: F811
    return Api(feishu.client, capsys)


@pytest.fixture
async def receiver():
    made = Receiver()
    await made.start()
    yield made
    await made.stop()


async def count(api: Api, model) -> int:  # noqa: ANN001
    async with api.app[keys.STORE].transaction() as tx:
        return await tx.session.scalar(select(func.count()).select_from(model))


async def test_a_form_ticket_has_the_effects_of_a_report_in_chat(api, feishu, receiver):  # noqa: F811
    secret = await subscribe(api, receiver.url, "--events", "ticket.created")
    form = await api.token("客服系统", "--scope", "tickets:write,tickets:read", "--project", "P-001")
    response, body = await api.call("POST", "/api/v1/tickets", form, json=FORM)
    assert response.status == 201, body
    assert body["number"] == "T-1" and body["status"] == "open" and body["severity"] == "high"
    assert body["title"] == "5号楼3层卫生间渗水"
    await feishu.deliver()
    # The project's Feishu group gets the live card, naming who reported it and how to call back.
    [group_card] = feishu.cards(SITE)
    assert group_card.body["header"]["title"]["content"] == "工单 T-1 · 5号楼3层卫生间渗水"
    text = card_texts(group_card.body)
    assert "赵质检" in text and "待接单" in text and "业主王先生" in text and "13800001111" in text
    assert buttons(group_card.body)["接单"] == {"action": "ticket.accept", "value": {"ticket": 1}}
    # The assignee is told directly, where a message from no chat goes: the platform they were
    # added on first (the console, for the demo's people).
    dm = await ConsoleDriver(feishu.client).last_bot("dm", user="u-zhao")
    assert dm["body"]["title"] == "工单 T-1 · 5号楼3层卫生间渗水" and dm["body"]["card_key"] == "ticket:1"
    # The same report made in chat (one-to-one with the bot) makes the same kind of card.
    await feishu.say("ou_li", "oc_dm_li", "报修 P-001 5号楼3层卫生间渗水，比较急", chat_type="p2p", at_bot=False)
    chat_card = feishu.cards(SITE)[-1].body
    assert chat_card["header"]["title"]["content"] == "工单 T-2 · 5号楼3层卫生间渗水"
    assert buttons(chat_card).keys() == buttons(group_card.body).keys()
    [chat_dm] = feishu.cards("ou_zhao")                             # told on Feishu, where it was reported
    assert chat_dm.body["header"] == chat_card["header"]
    got = receiver.verified(secret)
    assert [(b["type"], b["data"]["subject"]["number"], b["data"]["via"]) for _, b in got] == [
        ("ticket.created", "T-1", "api"), ("ticket.created", "T-2", "feishu")]
    # The engineer accepts the API's ticket on Feishu as any other.
    answer = await feishu.click("ou_zhao", SITE, group_card.message_id, buttons(group_card.body)["接单"])
    assert answer["toast"]["content"] == "已接单"


async def test_a_retried_post_with_the_same_key_opens_one_ticket(api, feishu):  # noqa: F811
    form = await api.token("客服系统", "--scope", "tickets:write")
    sent = {"Idempotency-Key": "form-42"}
    first, body = await api.call("POST", "/api/v1/tickets", form, json=FORM, headers=sent)
    second, body2 = await api.call("POST", "/api/v1/tickets", form, json=FORM, headers=sent)
    assert first.status == second.status == 201 and body == body2
    assert second.headers["Idempotent-Replayed"] == "true"
    await feishu.deliver()
    assert await count(api, Ticket) == 1
    assert len(feishu.cards(SITE)) == 1
    console = ConsoleDriver(feishu.client)
    assert len([m for m in await console.bot_messages("dm", user="u-zhao") if m["body"]["type"] == "card"]) == 1


async def test_scope_and_projects_are_enforced_and_refusals_write_nothing(api, feishu):  # noqa: F811
    reader = await api.token("看板", "--scope", "tickets:read,changes:read")
    other = await api.token("二号项目表单", "--scope", "tickets:write,changes:write", "--project", "P-002")
    await feishu.say("ou_li", SITE, "报修 5号楼3层卫生间渗水")           # T-1 on P-001
    cases = [
        (reader, "POST", "/api/v1/tickets", FORM, 403, "Missing scope"),
        (reader, "POST", "/api/v1/tickets/1/comments", {"text": "到了吗"}, 403, "Missing scope"),
        (reader, "POST", "/api/v1/tickets/1/resolve", {}, 403, "Missing scope"),
        (reader, "POST", "/api/v1/changes", {"project": "P-001", "kind": "schedule", "days": 3,
                                             "reason": "下雨"}, 403, "Missing scope"),
        (other, "POST", "/api/v1/tickets", FORM, 404, "Project not found"),
        (other, "POST", "/api/v1/tickets/1/comments", {"text": "到了吗"}, 404, "Ticket not found"),
        (other, "POST", "/api/v1/tickets/T-1/resolve", {}, 404, "Ticket not found"),
        (other, "POST", "/api/v1/changes", {"project": "P-001", "kind": "schedule", "days": 3,
                                            "reason": "下雨"}, 404, "Project not found"),
        (other, "POST", "/api/v1/tickets", {"project": "P-002", "text": "  "}, 422, "Invalid body"),
        (other, "POST", "/api/v1/tickets", {"project": "P-002", "text": "漏水", "severity": "urgent"},
         422, "Invalid body"),
        (other, "POST", "/api/v1/changes", {"project": "P-002", "kind": "schedule", "reason": "下雨"},
         422, "Invalid input"),                                   # a schedule change names its days
        (None, "POST", "/api/v1/tickets", FORM, 401, "Missing or unknown token"),
    ]
    for token, method, path, sent, status, title in cases:
        response, body = await api.call(method, path, token, json=sent)
        assert (response.status, body["title"]) == (status, title), (path, body)
        assert response.headers["Content-Type"].startswith("application/problem+json")
    await feishu.deliver()
    assert await count(api, Ticket) == 1 and await count(api, ChangeRequest) == 0
    assert len(feishu.cards(SITE)) == 1
    async with api.app[keys.STORE].transaction() as tx:
        refused = [a.data["status"] for a in await tx.session.scalars(
            select(AuditEntry).where(AuditEntry.subject_type == "api_token", AuditEntry.action.like("api.%"),
                                    AuditEntry.action.notlike("api.token.%")).order_by(AuditEntry.id))]
    assert refused == [status for *_, status, _ in cases[:-1]]     # each audited (not the unknown token)


async def test_comment_and_resolve_a_ticket_reported_in_chat(api, feishu, receiver):  # noqa: F811
    secret = await subscribe(api, receiver.url, "--events", "ticket.resolved")
    oa = await api.token("OA", "--scope", "tickets:write,tickets:read", "--project", "P-001")
    await feishu.say("ou_li", SITE, "报修 5号楼3层卫生间渗水")
    [group_card] = feishu.cards(SITE)
    response, body = await api.call("POST", "/api/v1/tickets/T-1/comments", oa,
                                    json={"text": "业主下午三点在家，可上门", "author": "客服小刘"})
    assert response.status == 201 and body["number"] == "T-1", body
    await feishu.deliver()
    console = ConsoleDriver(feishu.client)
    assert await console.last_text("dm", user="u-zhao") == (
        "工单 T-1「5号楼3层卫生间渗水」有新留言（客服小刘）：业主下午三点在家，可上门")
    # Resolve with what was done: what `解决 T-1 …` does in chat — the cards redrawn with the
    # note, the reporter asked to confirm at once.
    done = "更换了防水层，闭水试验24小时无渗漏"
    response, body = await api.call("POST", "/api/v1/tickets/1/resolve", oa, json={"note": done})
    assert response.status == 201 and body["status"] == "resolved", body
    await feishu.deliver()
    assert "已解决" in card_texts(group_card.body) and done in card_texts(group_card.body)
    versions = len(group_card.versions)
    *_, asked, confirm_card = await console.bot_messages("dm", user="u-li")
    assert asked["body"]["text"] == "工单 T-1「5号楼3层卫生间渗水」已由 OA 标记为已解决，请确认："
    assert "确认解决" in [a["label"] for a in confirm_card["body"]["actions"]]
    assert done in card_text(confirm_card["body"])
    again, body = await api.call("POST", "/api/v1/tickets/1/resolve", oa, json={"note": done})
    assert again.status == 200 and body["status"] == "resolved"
    await feishu.deliver()
    assert len(group_card.versions) == versions                        # the retry changed nothing
    assert (await console.bot_messages("dm", user="u-li"))[-1]["id"] == confirm_card["id"]
    # Without a note: the ask chat would wait on is answered 跳过 at once; the reporter is asked now.
    await feishu.say("ou_li", SITE, "报修 2号楼外墙脚手架松动")
    response, body = await api.call("POST", "/api/v1/tickets/T-2/resolve", oa, json={})
    assert response.status == 201 and body["status"] == "resolved", body
    await feishu.deliver()
    *_, asked, _ = await console.bot_messages("dm", user="u-li")
    assert asked["body"]["text"].startswith("工单 T-2「")
    assert [b["type"] for _, b in receiver.verified(secret)] == ["ticket.resolved", "ticket.resolved"]
    # The note and the resolution are in the timeline (and the audit log), under the API's person.
    async with api.app[keys.STORE].transaction() as tx:
        one = [e.kind for e in await tx.tickets.events(1)]
        two = [e.kind for e in await tx.tickets.events(2)]
    assert one[-3:] == ["noted", "resolved", "resolution_note"], one
    assert two[-2:] == ["resolved", "resolution_skipped"], two


async def test_a_change_raised_by_the_api_starts_its_approval_chain(api, feishu, receiver):  # noqa: F811
    secret = await subscribe(api, receiver.url, "--events", "change.raised")
    erp = await api.token("ERP", "--scope", "changes:write,changes:read")
    response, body = await api.call("POST", "/api/v1/changes", erp, json={
        "project": "P-001", "kind": "schedule", "days": 15, "reason": "甲方要求增加地下室防水"},
        headers={"Idempotency-Key": "chg-1"})
    assert response.status == 201 and body["number"] == "C-1" and body["status"] == "pending", body
    again, _ = await api.call("POST", "/api/v1/changes", erp, json={
        "project": "P-001", "kind": "schedule", "days": 15, "reason": "甲方要求增加地下室防水"},
        headers={"Idempotency-Key": "chg-1"})
    assert again.headers["Idempotent-Replayed"] == "true"
    await feishu.deliver()
    [card] = feishu.cards(SITE)                                       # in the project's group
    text = card_texts(card.body)
    assert card.body["header"]["title"]["content"] == "变更 C-1 · 工期调整 · 甲方要求增加地下室防水"
    assert "+15 天" in text and "周主管" in text and "ERP" in text
    assert await count(api, ChangeRequest) == 1
    async with api.app[keys.STORE].transaction() as tx:
        approver_rows = [r for r in await tx.session.scalars(select(OutboxMessage).where(
            OutboxMessage.card_key == "change:1", OutboxMessage.target_type == "user"))]
    assert len(approver_rows) == 1                                    # 周主管, told where they are
    budget, body = await api.call("POST", "/api/v1/changes", erp, json={
        "project": "P-001", "kind": "budget", "cost": "120000", "reason": "地下室防水加做一道卷材"})
    assert budget.status == 201 and body["number"] == "C-2", body
    await feishu.deliver()
    assert [b["data"]["subject"]["number"] for _, b in receiver.verified(secret)] == ["C-1", "C-2"]
