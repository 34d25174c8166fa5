"""Outbound webhooks through real HTTP: subscriptions made with the real CLI code, events from
chat and the API, a local receiver that verifies every signature with the standardwebhooks
library, a receiver down for a while and back, replays under the same webhook-id."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from bot import keys
from bot.cli import _parser
from bot.webhooks_cli import run as run_webhooks
from domain.store.models import OutboxMessage
from domain.store.models.webhooks import WebhookEvent, WebhookSubscription
from tests.api.webhook_receiver import Receiver

SITE = "p001-site"
REPORT = "报修 5号楼3层卫生间渗水，比较急"


@pytest.fixture
async def receiver():
    made = Receiver()
    await made.start()
    yield made
    await made.stop()


async def hooks(api, *argv: str) -> tuple[int, str, str]:
    """`sitebot webhooks …` as an admin types it: exit code, stdout, stderr."""
    args = _parser().parse_args(["webhooks", *argv])
    api.capsys.readouterr()
    code = await run_webhooks(args, api.app[keys.STORE], api.app[keys.SETTINGS], api.app[keys.CLOCK]())
    out = api.capsys.readouterr()
    return code, out.out, out.err


async def subscribe(api, url: str, *argv: str) -> str:
    code, secret, err = await hooks(api, "add", url, *argv)
    assert code == 0, err
    return secret.strip()


async def webhook_rows(api) -> list[OutboxMessage]:
    async with api.app[keys.STORE].transaction() as tx:
        return list(await tx.session.scalars(select(OutboxMessage).where(
            OutboxMessage.platform == "webhook").order_by(OutboxMessage.id)))


async def test_ticket_reported_in_chat_reaches_the_subscriber_signed(api, console, receiver):
    secret = await subscribe(api, receiver.url, "--events", "ticket.*,payment.recorded", "--project", "P-001")
    assert secret.startswith("whsec_")
    other = Receiver()   # another project's subscriber hears nothing of P-001
    await subscribe(api, other.url, "--events", "*", "--project", "P-002")
    await console.say("u-li", SITE, REPORT)
    card = await console.last_bot(SITE)
    await console.press("u-zhao", SITE, card, "接单")
    await console.deliver()
    got = receiver.verified(secret)     # raises unless every signature checks out
    assert [body["type"] for _, body in got] == ["ticket.created", "ticket.accepted"]
    created = got[0][1]
    assert created["data"]["project"] == "P-001" and created["data"]["actor"] == "李工长"
    assert created["data"]["subject"] == {
        "kind": "ticket", "number": "T-1", "title": "5号楼3层卫生间渗水", "category": "quality",
        "severity": "high", "status": "open", "created_at": created["data"]["subject"]["created_at"]}
    assert got[1][1]["data"]["subject"]["status"] == "in_progress"
    assert len({msg_id for msg_id, _ in got}) == 2 and all(m.startswith("msg_") for m, _ in got)
    headers = receiver.got[0][0]
    assert headers["webhook-signature"].startswith("v1,") and headers["Content-Type"] == "application/json"
    assert [row.status for row in await webhook_rows(api)] == ["sent", "sent"]
    # A wrong secret does not verify: the check above is a real one.
    from standardwebhooks.webhooks import Webhook, WebhookVerificationError
    with pytest.raises(WebhookVerificationError):
        Webhook("whsec_" + "QUJD" * 8).verify(receiver.got[0][1], receiver.got[0][0])


async def test_payment_from_the_erp_is_announced(api, console, receiver):
    secret = await subscribe(api, receiver.url, "--events", "payment.recorded")
    erp = await api.token("ERP", "--scope", "payments:write")
    response, body = await api.call("POST", "/api/v1/payments", erp, json={"project": "P-001", "amount": "64万"})
    assert response.status == 201, body
    await console.deliver()
    [(_, event)] = receiver.verified(secret)
    assert event["type"] == "payment.recorded" and event["data"]["via"] == "api"
    assert event["data"]["details"]["amount"] == "640000.00"
    assert event["data"]["subject"]["kind"] == "payment_milestone" and event["data"]["subject"]["status"] == "paid"


async def test_refused_call_announces_nothing_and_nobody_subscribed_writes_nothing(api, console, receiver):
    await console.say("u-li", SITE, REPORT)          # nobody subscribed yet: no event stored
    await subscribe(api, receiver.url, "--events", "payment.recorded")
    erp = await api.token("ERP", "--scope", "payments:write")
    response, _ = await api.call("POST", "/api/v1/payments", erp, json={"project": "P-001", "amount": "1"})
    assert response.status == 409           # which milestone? nothing recorded, nothing announced
    await console.deliver()
    assert receiver.got == []
    async with api.app[keys.STORE].transaction() as tx:
        assert (await tx.session.scalars(select(WebhookEvent))).all() == []


async def test_receiver_down_then_back_gets_each_event_with_its_one_id(api, console, receiver, clock):
    secret = await subscribe(api, receiver.url, "--events", "ticket.created")
    await receiver.stop()                                    # connection refused
    await console.say("u-li", SITE, REPORT)
    await console.say("u-li", SITE, "报修 3号楼脚手架连墙件松动")
    [first, second] = await webhook_rows(api)
    assert first.status == second.status == "pending" and first.attempts == 1 and second.attempts == 0
    assert "Connect" in first.last_error                    # the second waits behind the first, in order
    for _ in range(2):                                      # still down at the next tries (backoff)
        clock.advance(seconds=600)
        await console.deliver()
    assert (await webhook_rows(api))[0].attempts == 3
    await receiver.start()                                  # back, same port
    clock.advance(seconds=600)
    await console.deliver()
    got = receiver.verified(secret)
    assert [body["data"]["subject"]["number"] for _, body in got] == ["T-1", "T-2"]
    assert [row.status for row in await webhook_rows(api)] == ["sent", "sent"]
    # A replay sends the very same events again under the same ids: receivers de-duplicate.
    code, out, _ = await hooks(api, "replay", "--since", "2026-11-23")
    assert code == 0 and out.strip() == "找到 2 个事件，已重新排队 2 次发送"
    await console.deliver()
    again = receiver.verified(secret)
    assert [m for m, _ in again[2:]] == [m for m, _ in got] and [b for _, b in again[2:]] == [b for _, b in got]


async def test_failed_for_good_then_replayed_by_id(api, console, receiver, clock):
    secret = await subscribe(api, receiver.url, "--events", "ticket.created")
    receiver.status = 500
    await console.say("u-li", SITE, REPORT)
    for _ in range(8):
        clock.advance(seconds=600)
        await console.deliver()
    [row] = await webhook_rows(api)
    assert row.status == "failed" and row.failure == "outage" and row.attempts == 6
    assert "answered 500" in row.last_error
    tried_ids = {headers["webhook-id"] for headers, _ in receiver.got}
    assert len(receiver.got) == 6 and len(tried_ids) == 1   # one id on every retry
    receiver.status, receiver.got = 200, []
    code, out, _ = await hooks(api, "replay", "--id", tried_ids.pop())
    assert code == 0 and "已重新排队 1 次发送" in out
    await console.deliver()
    [(msg_id, body)] = receiver.verified(secret)
    assert {msg_id} == {h["webhook-id"] for h, _ in receiver.got} and body["type"] == "ticket.created"
    assert (await webhook_rows(api))[0].status == "sent"


async def test_gone_receiver_is_not_retried_and_removed_subscription_gets_nothing(api, console, receiver):
    await subscribe(api, receiver.url, "--events", "ticket.created")
    receiver.status = 410
    await console.say("u-li", SITE, REPORT)
    [row] = await webhook_rows(api)
    assert row.status == "failed" and row.failure == "permanent" and len(receiver.got) == 1
    code, out, _ = await hooks(api, "list")
    assert code == 0 and "已送达 0 · 待发 0 · 失败 1" in out and receiver.url in out
    code, out, _ = await hooks(api, "remove", "1")
    assert code == 0 and "已删除" in out
    receiver.status = 204
    await console.say("u-li", SITE, "报修 3号楼脚手架连墙件松动")
    assert len(receiver.got) == 1 and len(await webhook_rows(api)) == 1


async def test_bad_input_is_refused_and_writes_nothing(api):
    code, _, err = await hooks(api, "add", "ftp://erp.example/hook", "--events", "ticket.created")
    assert code == 1 and "不是 http(s) 地址" in err
    code, _, err = await hooks(api, "add", "https://erp.example/hook", "--events", "ticket.opened")
    assert code == 1 and "不认识的事件：ticket.opened" in err
    code, _, err = await hooks(api, "add", "https://erp.example/hook", "--events", "ticket.*", "--project", "P-404")
    assert code == 1 and "没有项目 P-404" in err
    code, _, err = await hooks(api, "replay")
    assert code == 1 and "--since 或 --id" in err
    code, _, err = await hooks(api, "remove", "9")
    assert code == 1 and "没有编号为 9 的推送" in err
    async with api.app[keys.STORE].transaction() as tx:
        assert (await tx.session.scalars(select(WebhookSubscription))).all() == []


async def test_milestone_reached_and_digest_sent(api, console, receiver, clock):
    from handlers.progress.jobs import scan_digests
    secret = await subscribe(api, receiver.url, "--events", "milestone.reached,digest.sent", "--project", "P-001")
    await console.say("u-li", SITE, "进度 主体结构 85%")       # progress, not reached: no event
    await console.say("u-li", SITE, "进度 主体结构 100%")
    clock.advance(hours=4)                                      # 18:00 Shanghai: the digests
    await scan_digests(api.app[keys.JOBS])
    await console.deliver()
    got = [body for _, body in receiver.verified(secret)]
    assert [body["type"] for body in got] == ["milestone.reached", "digest.sent"]
    assert got[0]["data"]["subject"]["name"] == "主体结构封顶" and got[0]["data"]["subject"]["progress"] == 100
    assert got[1]["data"]["subject"] == {"kind": "project", "code": "P-001"}
