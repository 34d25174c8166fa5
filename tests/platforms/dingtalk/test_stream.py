"""SITEBOT_DINGTALK_MODE=stream end to end: sitebot opens the dingtalk-stream SDK's connection
to the fake gateway; robot messages and interactive card presses come down it and take the
HTTP callbacks' path (inbox before the ack, dedupe on msgId, dispatcher, outbox)."""
from __future__ import annotations

import json

import pytest

from bot import keys
from bot.runtime import CONNECTIONS
from tests.platforms.dingtalk.conftest import start
from tests.platforms.dingtalk.driver import APP_KEY, APP_SECRET, GROUP
from tests.platforms.dingtalk.fake_stream import CARD_TOPIC, ROBOT_TOPIC, FakeDingTalkStream
from tests.platforms.dingtalk.test_interactive_cards import card_for, press_body

REPORT = "报修 5号楼3层卫生间渗水，比较急"


@pytest.fixture
async def gateway(clock):  # noqa: ANN001, ANN201
    fake = await FakeDingTalkStream(clock, APP_KEY, APP_SECRET).start()
    yield fake
    await fake.stop()


async def handled(driver) -> None:  # noqa: ANN001
    await driver.app[keys.INBOX].drain()
    await driver.deliver()


async def test_a_robot_message_over_the_stream_is_stored_before_its_ack_and_handled_once(
        db_url, clock, gateway, aiohttp_client):  # noqa: ANN001
    driver = await start(db_url, clock, aiohttp_client, gateway, mode="stream")
    await gateway.wait_connected()
    [opened] = gateway.open_requests
    assert opened["clientId"] == APP_KEY and opened["subscriptions"] == [{"type": "CALLBACK", "topic": ROBOT_TOPIC}]
    body = driver.payload("li01", REPORT)
    ack = await gateway.push(ROBOT_TOPIC, body)
    assert ack["code"] == 200 and ack["headers"]["messageId"] == "msg-1"
    assert await driver.app[keys.INBOX].drain() == 1    # on disk when DingTalk got its ack
    await driver.deliver()
    assert "工单 T-1 · 5号楼3层卫生间渗水" in driver.last_group()["text"]
    # The same message again (a lost ack): one ticket, one card.
    assert (await gateway.push(ROBOT_TOPIC, body, message_id="msg-again"))["code"] == 200
    await handled(driver)
    assert len([m for m in driver.group_messages() if "工单 T-1" in m["text"]]) == 1


async def test_a_full_inbox_acks_500_so_dingtalk_delivers_again(db_url, clock, gateway, aiohttp_client):  # noqa: ANN001
    driver = await start(db_url, clock, aiohttp_client, gateway, mode="stream")
    await gateway.wait_connected()
    body = driver.payload("li01", REPORT)
    writer = driver.app[keys.INBOUND].writer
    writer.max_waiting = 0
    assert (await gateway.push(ROBOT_TOPIC, body))["code"] == 500
    assert await driver.app[keys.INBOX].drain() == 0
    writer.max_waiting = 5000
    assert (await gateway.push(ROBOT_TOPIC, body))["code"] == 200
    await handled(driver)
    assert "工单 T-1" in driver.last_group()["text"]


async def test_a_message_for_another_robot_is_refused_and_not_stored(db_url, clock, gateway, aiohttp_client):  # noqa: ANN001
    driver = await start(db_url, clock, aiohttp_client, gateway, mode="stream")
    await gateway.wait_connected()
    body = driver.payload("li01", REPORT) | {"chatbotCorpId": "dingother"}
    assert (await gateway.push(ROBOT_TOPIC, body))["code"] == 400
    assert await driver.app[keys.INBOX].drain() == 0


async def test_card_presses_come_over_the_stream_and_the_ack_carries_the_new_card(
        db_url, clock, gateway, aiohttp_client):  # noqa: ANN001
    driver = await start(db_url, clock, aiohttp_client, gateway, mode="stream",
                         card_template_id="tpl-sitebot.schema", card_route_key="sitebot")
    await gateway.wait_connected()
    assert gateway.registered == []                        # no callback URL: presses come over the stream
    assert {s["topic"] for s in gateway.open_requests[0]["subscriptions"]} == {ROBOT_TOPIC, CARD_TOPIC}
    await gateway.push(ROBOT_TOPIC, driver.payload("li01", REPORT))
    await handled(driver)
    track, group = card_for(gateway, f"IM_GROUP.{GROUP}")
    assert group["callbackType"] == "STREAM"
    button = next(b for b in json.loads(group["cardData"]["cardParamMap"]["buttons"]) if b["text"] == "接单")
    ack = await gateway.push(CARD_TOPIC, press_body(track, "zhao01", button))
    assert ack["code"] == 200
    inline = ack["data"]["response"]["cardData"]["cardParamMap"]
    assert "处理中 · 赵质检" in inline["markdown"]


async def test_reconnects_when_the_gateway_drops_the_connection(db_url, clock, gateway, aiohttp_client):  # noqa: ANN001
    driver = await start(db_url, clock, aiohttp_client, gateway, mode="stream")
    await gateway.wait_connected()
    await gateway.drop()
    await gateway.wait_connected(2)
    assert (await gateway.push(ROBOT_TOPIC, driver.payload("li01", REPORT)))["code"] == 200
    assert driver.app[CONNECTIONS]["dingtalk"].holding.is_set()
