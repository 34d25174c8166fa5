"""Outbound: token refresh on 401, the robot's 20-a-minute limit, expired sessionWebhooks."""
from __future__ import annotations

from bot import keys

REPORT = "报修 5号楼3层卫生间渗水，比较急"


async def rows(dingtalk, status: str):  # noqa: ANN001
    async with dingtalk.app[keys.STORE].transaction() as tx:
        return await tx.outbox.by_status(status)


async def test_revoked_token_is_fetched_again_and_the_call_retried_once(dingtalk):
    await dingtalk.say("zhao01", "我的工单", chat="cidSingleZhao==", group=False, session=False)
    assert dingtalk.fake.tokens_issued == 1
    dingtalk.fake.revoke_tokens()
    await dingtalk.say("zhao01", "我的工单", chat="cidSingleZhao==", group=False, session=False)
    assert dingtalk.fake.tokens_issued == 2
    assert len(dingtalk.fake.messages_for("zhao01")) == 2
    assert await rows(dingtalk, "failed") == []


async def test_token_is_cached_between_sends(dingtalk):
    for _ in range(3):
        await dingtalk.say("zhao01", "我的工单", chat="cidSingleZhao==", group=False, session=False)
    assert dingtalk.fake.tokens_issued == 1


async def test_send_too_fast_130101_waits_ten_minutes_and_is_not_lost(dingtalk):
    dingtalk.fake.fail_next("/v1.0/robot/groupMessages/send", (
        400, {"code": "130101", "message": "send too fast, exceed 20 times per minute"}))
    await dingtalk.say("li01", "我的工单", session=False)
    assert dingtalk.group_messages() == []
    [waiting] = await rows(dingtalk, "pending")
    assert (waiting.next_attempt_at - dingtalk.clock()).total_seconds() >= 600
    assert waiting.attempts == 0 and "130101" in waiting.last_error
    dingtalk.clock.advance(minutes=9)
    await dingtalk.deliver()
    assert dingtalk.group_messages() == []
    dingtalk.clock.advance(minutes=1, seconds=1)
    await dingtalk.deliver()
    assert "没有未完成的工单" in dingtalk.last_group()["text"]
    assert await rows(dingtalk, "pending") == []


async def test_session_webhook_130101_is_rate_limited_too(dingtalk):
    dingtalk.fake.fail_next("session", (
        200, {"errcode": 130101, "errmsg": "send too fast, exceed 20 times per minute"}))
    await dingtalk.say("li01", "我的工单")
    assert dingtalk.group_messages() == []
    [waiting] = await rows(dingtalk, "pending")
    assert (waiting.next_attempt_at - dingtalk.clock()).total_seconds() >= 600
    dingtalk.clock.advance(minutes=10, seconds=1)
    await dingtalk.deliver()
    assert dingtalk.last_group()["via"] == "session"


async def test_a_busy_group_never_trips_the_block(dingtalk):
    """30 answers queued for one group at once: they go out over time, never more than 20 in
    any minute, and DingTalk never has to say 130101."""
    for index in range(30):
        await dingtalk.say("li01", "我的工单", deliver=False, session=index % 2 == 0)
    sent_at = []
    for _ in range(200):
        before = len(dingtalk.group_messages())
        await dingtalk.deliver()
        sent_at += [dingtalk.clock()] * (len(dingtalk.group_messages()) - before)
        if len(sent_at) == 30:
            break
        dingtalk.clock.advance(seconds=1)
    assert len(sent_at) == 30 and dingtalk.fake.refused == []
    for start in sent_at:
        window = [t for t in sent_at if start <= t and (t - start).total_seconds() < 60]
        assert len(window) <= 20


async def test_expired_session_webhook_falls_back_to_the_openapi(dingtalk):
    body = dingtalk.payload("li01", "我的工单")
    body["sessionWebhook"] = dingtalk.base + "/robot/sendBySession/expired-1"
    assert (await dingtalk.post(body)).status == 200
    await dingtalk.deliver()
    assert dingtalk.last_group()["via"] == "openapi"
    # and one that expires by the clock is not even tried
    await dingtalk.say("li01", "我的工单")
    assert dingtalk.last_group()["via"] == "session"
    dingtalk.clock.advance(minutes=89, seconds=30)
    await dingtalk.say("li01", "我的工单", session=False)
    assert dingtalk.last_group()["via"] == "openapi"
