"""Bad input on /webhooks/wecom gets a clear answer, never a 500 (issue 13 item 4).

- Unsigned, oversized or garbled XML: a 4xx and one short log line, nothing stored.
- Signed but odd numbers: a location that is no place on earth is ignored; a button key
  whose value carries NaN or an id beyond any row is answered as a stale button (to the
  presser, as WeCom has no toasts) and changes nothing; a ticket number of 23 digits is "not
  found".
- A card press is de-duplicated per button: 转派 then 接单 on one card in the same second are
  two presses (they were one: the second was dropped as a retry of the first).
"""
from __future__ import annotations

import json
import logging

import pytest
from sqlalchemy import func, select

from bot import keys
from domain.store.models import InboundEvent
from tests.platforms.wecom.conftest import deliver, message_xml
from tests.platforms.wecom.test_wecom_tickets import button, cards_to, report, texts_to

QUERY = {"msg_signature": "5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3", "timestamp": "1409659813",
         "nonce": "1372623149"}
STALE = "这个按钮已失效，请重新查询。"


def app_lines(caplog) -> list[logging.LogRecord]:  # noqa: ANN001
    """What sitebot logged, without aiohttp's access line (one per request, whatever it was)."""
    # not asyncio's either: an earlier test's unclosed session may be collected during this one
    return [r for r in caplog.records if r.name not in ("aiohttp.access", "asyncio")]


def assert_one_short_line(caplog) -> None:  # noqa: ANN001
    [line] = app_lines(caplog)
    assert line.exc_info is None and "Traceback" not in caplog.text
    assert len(line.getMessage()) < 200


async def stored(client) -> int:  # noqa: ANN001
    async with client.server.app[keys.STORE].transaction() as tx:
        return await tx.session.scalar(select(func.count()).select_from(InboundEvent))


@pytest.mark.parametrize("query, body, status", [
    ({}, b"<a>" * 80_000, 400),                                  # no signature at all
    (QUERY, b"<a>" * 80_000, 400),                               # nested, never closed
    (QUERY, b"<xml>" + b"<a>" * 20_000 + b"</a>" * 20_000 + b"<Encrypt>x</Encrypt></xml>", 403),
    (QUERY, b"\xff\xfe\x00garbage", 400),
    (QUERY, b"<xml><Encrypt>" + b"A" * 300_000 + b"</Encrypt></xml>", 413),   # not even read
    (QUERY, b"<xml><Encrypt>" + b"A" * 1_100_000 + b"</Encrypt></xml>", 413),
])
async def test_unsigned_oversized_or_garbled_xml_is_refused_with_one_short_line(
        wecom_app, caplog, query, body, status):
    caplog.set_level(logging.INFO)
    response = await wecom_app.post("/webhooks/wecom", params=query, data=body)
    assert response.status == status
    assert_one_short_line(caplog)
    assert await stored(wecom_app) == 0


async def test_signed_garbled_plaintext_is_refused_with_one_short_line(wecom_app, wecom, caplog):
    caplog.set_level(logging.INFO)
    assert (await wecom.post("<xml><FromUserName>" + "<a>" * 50_000)).status == 400
    assert_one_short_line(caplog)
    assert await stored(wecom_app) == 0


@pytest.mark.parametrize("lat, lng", [("NaN", "120.15"), ("1e999999", "120.15"), ("30.27", "500"),
                                      ("-Infinity", "0")])
async def test_location_that_is_no_place_is_ignored(wecom_app, wecom, fake_wecom, clock, lat, lng):
    inner = (f"<Location_X>{lat}</Location_X><Location_Y>{lng}</Location_Y><Scale>15</Scale>"
             "<Label><![CDATA[5号楼]]></Label>")
    response = await wecom.post(message_xml("LiGongZhang", "location", clock(), 4242, inner))
    assert response.status == 200
    await deliver(wecom_app)
    assert await stored(wecom_app) == 0 and fake_wecom.sent() == []


@pytest.mark.parametrize("ticket", ["NaN", "1e30", "99999999999999999999999", "3000000000"])
async def test_button_value_beyond_any_id_is_a_stale_button(wecom_app, wecom, fake_wecom, ticket):
    _, assigned = await report(wecom, fake_wecom, wecom_app)
    key = button(assigned, "接单").replace('"ticket":1', f'"ticket":{ticket}')
    assert json.loads(key)["a"] == "ticket.accept"
    response = await wecom.post(wecom.click_xml("ZhaoZhiJian", assigned["task_id"], key,
                                                fake_wecom.issue_code()))
    assert response.status == 200
    await deliver(wecom_app)
    assert texts_to(fake_wecom, "ZhaoZhiJian") == [STALE]
    assert fake_wecom.sent("message/update_template_card") == []
    async with wecom_app.server.app[keys.STORE].transaction() as tx:
        assert (await tx.tickets.get(1)).status == "open"


async def test_ticket_number_beyond_any_id_is_not_found(wecom_app, wecom, fake_wecom):
    await wecom.text("LiGongZhang", "工单 T-99999999999999999999999")
    await deliver(wecom_app)
    assert texts_to(fake_wecom, "LiGongZhang") == ["工单 T-99999999999999999999999 不存在。"]


async def test_two_buttons_of_one_card_in_the_same_second_are_two_presses(wecom_app, wecom, fake_wecom):
    """The clock stands still: both presses carry the same CreateTime and TaskId."""
    _, assigned = await report(wecom, fake_wecom, wecom_app)
    for label in ("转派", "接单"):
        response = await wecom.post(wecom.click_xml("ZhaoZhiJian", assigned["task_id"],
                                                    button(assigned, label), fake_wecom.issue_code()))
        assert response.status == 200
    await deliver(wecom_app)
    assert any(c["main_title"]["title"].startswith("转派工单 T-1") for c in cards_to(fake_wecom, "ZhaoZhiJian"))
    async with wecom_app.server.app[keys.STORE].transaction() as tx:
        assert (await tx.tickets.get(1)).status == "in_progress"
    # WeCom's own retry of the 接单 press is still one press
    again = wecom.click_xml("ZhaoZhiJian", assigned["task_id"], button(assigned, "接单"), "rc-retry")
    assert (await wecom.post(again)).status == 200
    assert await stored(wecom_app) == 3      # the report and the two presses


async def test_ids_longer_than_any_platform_makes_are_refused_with_one_line(wecom_app, wecom, caplog):
    """WeCom UserIDs are at most 64 characters; 400 did not fit the store on PostgreSQL."""
    caplog.set_level(logging.INFO)
    assert (await wecom.post(wecom.text_xml("U" * 400, "我是谁"))).status == 400
    click = wecom.click_xml("U" * 100, "t" * 100, '{"a":"ticket.accept","v":{"ticket":1}}', "rc-1")
    assert (await wecom.post(click)).status == 400
    assert len(app_lines(caplog)) == 2 and "Traceback" not in caplog.text
    assert await stored(wecom_app) == 0
