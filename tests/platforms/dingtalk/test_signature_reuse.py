"""DingTalk signs only the timestamp, so a signature can vouch for one message only: the first
that came with it. The binding is in the database, so it holds after a restart and at every
replica; a second message with the same signature is not acted on, and its chat is asked, in a
fixed wording through our own robot API, to send it again (two genuine messages stamped in the
same millisecond carry the same signature, and DingTalk does not deliver them again)."""
from __future__ import annotations

import asyncio
import json

from bot import keys
from tests.platforms.dingtalk.conftest import start
from tests.platforms.dingtalk.driver import GROUP, signed_headers

REPORT = "报修 5号楼3层卫生间渗水，比较急"
SEND_AGAIN = "没能收到，请发消息的人再发一次"


async def handled(driver, msg_id: str) -> bool:  # noqa: ANN001
    async with driver.app[keys.STORE].transaction() as tx:
        return await tx.inbound.get("dingtalk", msg_id) is not None


async def no_ticket(driver) -> bool:  # noqa: ANN001
    async with driver.app[keys.STORE].transaction() as tx:
        return await tx.tickets.get(1) is None


def asked_to_send_again(driver, chat: str) -> list[dict]:  # noqa: ANN001
    return [m for m in driver.group_messages(chat) if SEND_AGAIN in m["text"]]


async def test_after_a_restart_a_captured_signature_cannot_carry_a_forged_body(
        db_url, clock, aiohttp_client, fake_dingtalk):
    before = await start(db_url, clock, aiohttp_client, fake_dingtalk)
    headers = signed_headers(before.now_ms())
    genuine = before.payload("li01", "我的工单", msg_id="msgGENUINE")
    assert (await before.post(genuine, headers=headers)).status == 200
    await before.client.close()                       # the process stops; the database stays
    after = await start(db_url, clock, aiohttp_client, fake_dingtalk, people=False)
    forged = after.payload("chen01", REPORT, msg_id="msgFORGED")
    forged["sessionWebhook"] = f"{after.base}/robot/sendBySession/{GROUP}-forged"
    response = await after.post(forged, headers=headers)
    assert response.status == 401 and "报修" not in await response.text()
    await after.deliver()
    # All a forger can cause: the chat the body names is asked to send again, through the
    # OpenAPI (not the sessionWebhook the forged body brought).
    notices = asked_to_send_again(after, GROUP)
    assert len(notices) == 1 and notices[0]["via"] == "openapi"
    assert not any(session.endswith("-forged") for session, _ in fake_dingtalk.session)
    assert (await after.post(genuine, headers=headers)).status == 200   # DingTalk's own retry
    await after.deliver()
    assert await handled(after, "msgGENUINE") and not await handled(after, "msgFORGED")
    assert await no_ticket(after)


async def test_at_a_second_replica_a_captured_signature_cannot_carry_a_forged_body(
        db_url, clock, aiohttp_client, fake_dingtalk):
    one = await start(db_url, clock, aiohttp_client, fake_dingtalk)
    two = await start(db_url, clock, aiohttp_client, fake_dingtalk, people=False)
    headers = signed_headers(one.now_ms())
    assert (await one.post(one.payload("li01", "我的工单", msg_id="msgGENUINE"), headers=headers)).status == 200
    forged = two.payload("chen01", REPORT, msg_id="msgFORGED")
    assert (await two.post(forged, headers=headers)).status == 401
    # ... and the other way round, a forged body first at one replica, then elsewhere.
    headers = signed_headers(one.now_ms())
    assert (await two.post(two.payload("li01", "我的工单", msg_id="msgSECOND"), headers=headers)).status == 200
    assert (await one.post(one.payload("chen01", REPORT, msg_id="msgFORGED2"), headers=headers)).status == 401
    # ... and both at the same moment: the database lets one of them have it.
    headers = signed_headers(one.now_ms())
    racing = await asyncio.gather(
        one.client.post("/webhooks/dingtalk", json=one.payload("li01", "我的工单", msg_id="msgRACE1"),
                        headers=headers),
        two.client.post("/webhooks/dingtalk", json=two.payload("chen01", REPORT, msg_id="msgRACE2"),
                        headers=headers))
    assert sorted(r.status for r in racing) == [200, 401]
    await one.app[keys.INBOX].drain()
    await two.app[keys.INBOX].drain()
    await one.deliver()
    await two.deliver()
    for driver in (one, two):
        assert not await handled(driver, "msgFORGED") and not await handled(driver, "msgFORGED2")
    assert [await handled(one, "msgRACE1"), await handled(one, "msgRACE2")].count(True) == 1
    if await handled(one, "msgRACE1"):
        assert await no_ticket(one)


async def post_all(driver, bodies: list[dict], headers: dict[str, str]) -> list[int]:  # noqa: ANN001
    """All at once, as DingTalk would deliver messages of one millisecond."""
    responses = await asyncio.gather(*(
        driver.client.post("/webhooks/dingtalk", data=json.dumps(body, ensure_ascii=False).encode(),
                           headers=headers) for body in bodies))
    await driver.app[keys.INBOX].drain()
    await driver.deliver()
    return [r.status for r in responses]


async def test_twenty_genuine_messages_in_one_millisecond_none_is_silently_lost(dingtalk):
    headers = signed_headers(dingtalk.now_ms())       # one millisecond: one signature
    chats = [f"cidSAMEMS{i:02d}XXXXXXXXXXXX==" for i in range(20)]
    statuses = await post_all(dingtalk, [dingtalk.payload("li01", "帮助", chat=c) for c in chats], headers)
    answered = [c for c in chats if any("sitebot 可以这样用" in m["text"] for m in dingtalk.group_messages(c))]
    told = [c for c in chats if asked_to_send_again(dingtalk, c)]
    assert len(answered) == 1 and statuses.count(200) == 1
    assert sorted(answered + told) == sorted(chats)       # every sender knows
    assert all(m["via"] == "openapi" for c in told for m in asked_to_send_again(dingtalk, c))


async def test_two_in_one_group_in_one_millisecond_the_group_is_asked_once(dingtalk):
    headers = signed_headers(dingtalk.now_ms())
    bodies = [dingtalk.payload(staff, "帮助") for staff in ("li01", "zhao01", "wang01")]
    statuses = await post_all(dingtalk, bodies, headers)
    assert sorted(statuses) == [200, 401, 401]
    assert len(asked_to_send_again(dingtalk, GROUP)) == 1
    assert sum("sitebot 可以这样用" in m["text"] for m in dingtalk.group_messages()) == 1
    # A second delivery of the refused ones asks nothing more.
    await post_all(dingtalk, bodies, headers)
    assert len(asked_to_send_again(dingtalk, GROUP)) == 1


async def test_a_signature_of_an_ignored_message_cannot_carry_another(dingtalk):
    headers = signed_headers(dingtalk.now_ms())
    audio = dingtalk.payload("li01", "x", msg_id="msgAUDIO")
    audio.update(msgtype="audio", content={"duration": 3, "downloadCode": "a"})
    del audio["text"]
    assert (await dingtalk.post(audio, headers=headers)).status == 200
    forged = dingtalk.payload("chen01", REPORT, msg_id="msgFORGED")
    assert (await dingtalk.post(forged, headers=headers)).status == 401
    await dingtalk.deliver()
    assert not await handled(dingtalk, "msgFORGED") and await no_ticket(dingtalk)


async def test_bindings_are_forgotten_after_the_window(dingtalk):
    inbox = dingtalk.app[keys.INBOX].inbox
    old = signed_headers(dingtalk.now_ms())
    assert (await dingtalk.post(dingtalk.payload("li01", "我的工单"), headers=old)).status == 200
    assert (await dingtalk.post(dingtalk.payload("li01", "帮助"), headers=old)).status == 401
    assert await inbox.bound_signatures("dingtalk") == 1
    dingtalk.clock.advance(hours=1, minutes=30)
    await dingtalk.say("li01", "我的工单", deliver=False)     # a later arrival clears what expired
    assert await inbox.bound_signatures("dingtalk") == 1     # only the new one
    assert (await dingtalk.post(dingtalk.payload("li01", "帮助"), headers=old)).status == 401   # stale
