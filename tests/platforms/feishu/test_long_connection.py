"""SITEBOT_FEISHU_MODE=ws end to end: sitebot opens lark-oapi's long connection to the fake
Feishu (endpoint request, then pbbp2 frames over a WebSocket), events and card presses come
down it and take the callbacks' path (dedupe, inbox before the answer, dispatcher, outbox)."""
from __future__ import annotations

import pytest

from bot import keys
from bot.app import create_app
from bot.runtime import CONNECTIONS
from tests.platforms.feishu.conftest import SITE, feishu_settings
from tests.platforms.feishu.driver import APP_ID, APP_SECRET, BOT, buttons, card_texts, click_event, message_event
from tests.replicas import shared
from tests.replicas.shared import start_ws_app

fake_ws = shared.fake_ws   # the fixture

REPORT = "报修 5号楼3层卫生间渗水，比较急"


def report_event(message_id: str | None = None) -> dict:
    return message_event("ou_li", SITE, {"text": f"@_user_1 {REPORT}"}, message_id=message_id,
                         mentions=[("@_user_1", BOT, "sitebot")])


async def handled(app) -> None:  # noqa: ANN001
    await app[keys.INBOX].drain()
    await app[keys.WORKER].drain()


async def test_a_message_over_the_long_connection_is_stored_before_its_answer_and_handled_once(
        db_url, clock, fake_ws, aiohttp_client):  # noqa: ANN001
    app = await start_ws_app(db_url, clock, aiohttp_client, fake_ws)
    await fake_ws.wait_connected()
    assert fake_ws.endpoint_requests[0] == {"AppID": APP_ID, "AppSecret": APP_SECRET}
    event = report_event()
    fake_ws.receive(event["event"]["message"]["message_id"], SITE, "ou_li")
    answer = await fake_ws.push(event)
    assert answer == {"code": 200, "data": None}
    assert await app[keys.INBOX].drain() == 1    # on disk when Feishu got its answer
    await handled(app)
    [card] = [m for m in fake_ws.sent(SITE) if m.msg_type == "interactive"]
    assert card.body["header"]["title"]["content"] == "工单 T-1 · 5号楼3层卫生间渗水"
    # Feishu delivers again (a lost answer): the same message is one ticket, not two.
    assert (await fake_ws.push(event))["code"] == 200
    await handled(app)
    assert len([m for m in fake_ws.sent(SITE) if m.msg_type == "interactive"]) == 1


async def test_a_full_inbox_answers_500_so_feishu_delivers_again(db_url, clock, fake_ws, aiohttp_client):  # noqa: ANN001
    app = await start_ws_app(db_url, clock, aiohttp_client, fake_ws)
    await fake_ws.wait_connected()
    event = report_event()
    fake_ws.receive(event["event"]["message"]["message_id"], SITE, "ou_li")
    writer = app[keys.INBOUND].writer
    writer.max_waiting = 0
    assert (await fake_ws.push(event))["code"] == 500
    assert await app[keys.INBOX].drain() == 0    # nothing stored, nothing acknowledged
    writer.max_waiting = 5000
    assert (await fake_ws.push(event))["code"] == 200
    await handled(app)
    assert [m for m in fake_ws.sent(SITE) if m.msg_type == "interactive"]


@pytest.mark.parametrize("kind", ["card", "event"])
async def test_a_card_press_over_the_long_connection_is_answered_with_toast_and_card(
        db_url, clock, fake_ws, aiohttp_client, kind):  # noqa: ANN001
    """lark-oapi 1.7.5 drops "card" frames unanswered (error 200340 for the presser); both
    kinds of frame reach the dispatcher here, and the answer carries the new card."""
    app = await start_ws_app(db_url, clock, aiohttp_client, fake_ws)
    await fake_ws.wait_connected()
    event = report_event()
    fake_ws.receive(event["event"]["message"]["message_id"], SITE, "ou_li")
    await fake_ws.push(event)
    await handled(app)
    [card] = [m for m in fake_ws.sent(SITE) if m.msg_type == "interactive"]
    press = click_event("ou_zhao", SITE, card.message_id, buttons(card.body)["接单"])
    answer = await fake_ws.push(press, kind=kind)
    assert answer["code"] == 200
    assert answer["data"]["toast"] == {"type": "success", "content": "已接单"}
    assert "处理中 · 赵质检" in card_texts(answer["data"]["card"]["data"])


async def test_a_payload_split_over_frames_is_put_together(db_url, clock, fake_ws, aiohttp_client):  # noqa: ANN001
    app = await start_ws_app(db_url, clock, aiohttp_client, fake_ws)
    await fake_ws.wait_connected()
    event = report_event()
    fake_ws.receive(event["event"]["message"]["message_id"], SITE, "ou_li")
    assert (await fake_ws.push(event, parts=3))["code"] == 200
    await handled(app)
    assert [m for m in fake_ws.sent(SITE) if m.msg_type == "interactive"]


async def test_reconnects_when_feishu_drops_the_connection(db_url, clock, fake_ws, aiohttp_client):  # noqa: ANN001
    app = await start_ws_app(db_url, clock, aiohttp_client, fake_ws)
    await fake_ws.wait_connected()
    await fake_ws.drop()
    await fake_ws.wait_connected(2)
    event = report_event()
    fake_ws.receive(event["event"]["message"]["message_id"], SITE, "ou_li")
    assert (await fake_ws.push(event))["code"] == 200
    assert app[CONNECTIONS]["feishu"].holding.is_set()


async def test_ws_mode_needs_no_token_and_http_mode_still_does(db_url, fake_ws):  # noqa: ANN001
    from bot.config_error import ConfigError
    from bot.feishu.edge import FeishuEdge
    FeishuEdge(feishu_settings(db_url, fake_ws, mode="ws", verification_token="", encrypt_key=""))
    with pytest.raises(ConfigError):
        FeishuEdge(feishu_settings(db_url, fake_ws, verification_token="", encrypt_key=""))
    with pytest.raises(ConfigError, match="http or ws"):
        FeishuEdge(feishu_settings(db_url, fake_ws, mode="socket"))


async def test_metrics_count_the_frames_and_show_that_this_process_holds_the_connection(
        db_url, clock, fake_ws, aiohttp_client):  # noqa: ANN001
    settings = feishu_settings(db_url, fake_ws, mode="ws", verification_token="", encrypt_key="")
    client = await aiohttp_client(create_app(settings, clock=clock, demo=True, run_worker=False))
    await fake_ws.wait_connected()
    assert (await fake_ws.push(report_event()))["code"] == 200
    assert (await fake_ws.push(b"not json"))["code"] == 400
    scraped = await (await client.get("/metrics")).text()
    assert 'sitebot_inbound_events_total{outcome="accepted",platform="feishu"} 1.0' in scraped
    assert 'sitebot_inbound_events_total{outcome="refused",platform="feishu"} 1.0' in scraped
    assert 'sitebot_connection_held{platform="feishu"} 1.0' in scraped


async def test_the_web_side_holds_the_connection_and_the_worker_never_does(
        db_url, clock, fake_ws, aiohttp_client):  # noqa: ANN001
    """`serve --web` replicas and one `sitebot work`: events stored by the web side, handled by
    the worker from the shared inbox."""
    settings = feishu_settings(db_url, fake_ws, mode="ws", verification_token="", encrypt_key="")
    web_side = create_app(settings, clock=clock, demo=True, run_worker=False, role="web")
    await aiohttp_client(web_side)
    worker = create_app(settings, clock=clock, run_worker=False, role="worker")
    await aiohttp_client(worker)
    assert CONNECTIONS not in worker and web_side[CONNECTIONS]["feishu"] is not None
    await fake_ws.wait_connected()
    event = message_event("ou_stranger", SITE, {"text": "@_user_1 帮助"}, mentions=[("@_user_1", BOT, "sitebot")])
    assert (await fake_ws.push(event))["code"] == 200
    assert await worker[keys.INBOX].drain() == 1
    assert fake_ws.connects == 1
