"""Bad input on /webhooks/feishu gets a clear answer, never a 500 (issue 13 item 4).

- A body nobody signed is refused before it is parsed, whatever it holds: deeply nested JSON
  cost a 500 and a 1.5 kB traceback per request; now one short log line.
- Signed but odd: a header that is a string, an event type that is a list, a card value NaN or
  1e999999 as an amount or 1e30 as a ticket id, a ticket number of 23 digits, NUL in a
  message: each gets a clear answer and changes nothing.
"""
from __future__ import annotations

import json
import logging

import pytest
from sqlalchemy import func, select

from bot import keys
from domain.store.models import InboundEvent, Payment, Ticket
from tests.platforms.feishu.conftest import SITE
from tests.platforms.feishu.driver import ENCRYPT_KEY, buttons, card_texts, click_event, message_event
from tests.platforms.feishu.signing import encrypt, sign

STALE = "这个按钮已失效，请重新查询。"
INTERNAL = "处理时出错了"


async def post_plaintext(feishu, plaintext: str):  # noqa: ANN201
    """A callback whose plaintext we write by hand (NaN, 1e999999 are not what json.dumps
    writes), encrypted and signed as Feishu does."""
    body = json.dumps({"encrypt": encrypt(ENCRYPT_KEY, plaintext)}).encode()
    timestamp = str(int(feishu.clock().timestamp()))
    headers = {"Content-Type": "application/json", "X-Lark-Request-Timestamp": timestamp,
               "X-Lark-Request-Nonce": "n0nce", "X-Lark-Signature": sign(timestamp, "n0nce", ENCRYPT_KEY, body)}
    response = await feishu.client.post("/webhooks/feishu", data=body, headers=headers)
    await feishu.app[keys.INBOX].drain()
    return response


def app_lines(caplog) -> list[logging.LogRecord]:  # noqa: ANN001
    """What sitebot logged, without aiohttp's access line (one per request, whatever it was)."""
    # not asyncio's either: an earlier test's unclosed session may be collected during this one
    return [r for r in caplog.records if r.name not in ("aiohttp.access", "asyncio")]


def assert_one_short_line(caplog) -> None:  # noqa: ANN001
    [line] = app_lines(caplog)
    assert line.exc_info is None and "Traceback" not in caplog.text
    assert len(line.getMessage()) < 200


async def count(feishu, model) -> int:  # noqa: ANN001
    async with feishu.app[keys.STORE].transaction() as tx:
        return await tx.session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize("body", [
    b"[" * 100_000 + b"]" * 100_000,                 # far past the stack: was a RecursionError 500
    b'{"a":' * 20_000 + b"1" + b"}" * 20_000,
    b"[" * 3_000,                                    # small enough to be read as a URL check
])
async def test_unsigned_nested_json_is_refused_with_one_short_log_line(feishu, caplog, body):
    caplog.set_level(logging.INFO)
    response = await feishu.post(body)
    assert 400 <= response.status < 500
    assert_one_short_line(caplog)
    assert await count(feishu, InboundEvent) == 0


async def test_unsigned_bodies_cost_one_line_each(feishu, caplog):
    """The issue's measurement, smaller: 30 unsigned nested bodies, 30 short lines."""
    caplog.set_level(logging.INFO)
    for _ in range(30):
        assert (await feishu.post(b"[" * 100_000)).status == 401
    lines = app_lines(caplog)
    assert len(lines) == 30 and all(r.exc_info is None for r in lines)
    assert sum(len(r.getMessage()) for r in lines) < 30 * 200


async def test_signed_nested_json_is_a_400_with_one_line(feishu, caplog):
    caplog.set_level(logging.INFO)
    response = await post_plaintext(feishu, "[" * 100_000)
    assert response.status == 400
    assert_one_short_line(caplog)


async def test_event_whose_header_is_a_string_is_refused_not_a_500(feishu, caplog):
    caplog.set_level(logging.INFO)
    event = message_event("ou_li", SITE, {"text": "报修 3号楼漏水"})
    event["header"] = "im.message.receive_v1"
    response = await post_plaintext(feishu, json.dumps(event, ensure_ascii=False))
    assert response.status == 400
    assert_one_short_line(caplog)
    assert await count(feishu, InboundEvent) == 0


async def test_event_type_that_is_not_a_string_is_acked_and_ignored(feishu):
    event = message_event("ou_li", SITE, {"text": "报修 3号楼漏水"})
    event["header"]["event_type"] = ["im.message.receive_v1"]
    response = await post_plaintext(feishu, json.dumps(event, ensure_ascii=False))
    assert response.status == 200
    assert await count(feishu, InboundEvent) == 0


async def test_message_content_nested_past_the_stack_is_acked_and_ignored(feishu):
    event = message_event("ou_li", SITE, {"text": "x"})
    event["event"]["message"]["content"] = "[" * 100_000
    response = await post_plaintext(feishu, json.dumps(event))
    assert response.status == 200
    assert await count(feishu, InboundEvent) == 0


async def payment_picker(feishu) -> tuple[str, dict]:  # noqa: ANN001
    """陈经理 records 20万 on P-001, which has several open milestones: a picker card."""
    await feishu.say("ou_chen", SITE, "回款 P-001 20万")
    [card] = feishu.cards(SITE)
    assert "这笔回款记到哪一笔" in card_texts(card.body)
    value = next(v for label, v in buttons(card.body).items() if label.startswith("进度款"))
    assert value["action"] == "payment.pick"
    return card.message_id, value


@pytest.mark.parametrize("amount, answer", [
    ("NaN", STALE), ("Infinity", STALE), ("1e999999", STALE), ("-1e999999", STALE),
    ('"NaN"', "没看懂金额「NaN」"), ('"1e999999"', "金额「1E+999999」太大了"),
    ('"Infinity"', "没看懂金额「Infinity」"), ('"-5"', "金额必须大于零"),
])
async def test_card_value_nan_or_huge_as_an_amount_answers_clearly_and_records_nothing(
        feishu, amount, answer):
    message_id, value = await payment_picker(feishu)
    payments = await count(feishu, Payment)       # the demo's own
    value["value"]["a"] = "AMOUNT"
    event = click_event("ou_chen", SITE, message_id, value)
    plaintext = json.dumps(event, ensure_ascii=False).replace('"AMOUNT"', amount)
    response = await post_plaintext(feishu, plaintext)
    assert response.status == 200
    toast = (await response.json())["toast"]
    assert toast["type"] == "warning" and answer in toast["content"]
    assert await count(feishu, Payment) == payments


@pytest.mark.parametrize("ticket", ["1e30", "99999999999999999999999", "3000000000", "NaN"])
async def test_card_value_beyond_any_id_is_a_stale_button(feishu, ticket):
    await feishu.say("ou_li", SITE, "报修 5号楼3层卫生间渗水")
    [card] = feishu.cards(SITE)
    value = buttons(card.body)["接单"]
    value["value"]["ticket"] = "ID"
    plaintext = json.dumps(click_event("ou_zhao", SITE, card.message_id, value)).replace('"ID"', ticket)
    response = await post_plaintext(feishu, plaintext)
    assert response.status == 200
    assert await response.json() == {"toast": {"type": "warning", "content": STALE}}
    async with feishu.app[keys.STORE].transaction() as tx:
        assert (await tx.tickets.get(1)).status == "open"


@pytest.mark.parametrize("text, answer", [
    ("工单 T-99999999999999999999999", "工单 T-99999999999999999999999 不存在。"),
    ("工单 T-3000000000", "工单 T-3000000000 不存在。"),        # beyond PostgreSQL's int4
    ("评价 T-99999999999999999999999 5 很好", "工单 T-99999999999999999999999 不存在。"),
])
async def test_ticket_number_beyond_any_id_is_not_found(feishu, text, answer):
    await feishu.say("ou_li", SITE, text)
    [reply] = [m for m in feishu.fake.sent(SITE) if m.msg_type == "text"]
    assert json.loads(reply.content)["text"] == answer


async def test_nul_in_a_message_is_dropped_not_an_internal_error(feishu):
    """PostgreSQL refuses NUL in any text column: the report failed with an internal error."""
    await feishu.say("ou_li", SITE, "报修 5号楼\u0000渗水")
    assert not any(INTERNAL in m.content for m in feishu.fake.sent(SITE))
    async with feishu.app[keys.STORE].transaction() as tx:
        assert (await tx.tickets.get(1)).title == "5号楼渗水"
    assert await count(feishu, Ticket) == 1


async def test_ids_longer_than_any_platform_makes_are_refused_with_one_line(feishu, caplog):
    """A 400-character message id did not fit the inbox on PostgreSQL: 503, sent again forever."""
    caplog.set_level(logging.WARNING)     # the bot's own open_id is fetched first, with an INFO line
    event = message_event("ou_li", SITE, {"text": "报修 5号楼渗水"}, message_id="om_" + "x" * 400)
    response = await post_plaintext(feishu, json.dumps(event, ensure_ascii=False))
    assert response.status == 400
    assert_one_short_line(caplog)
    assert await count(feishu, InboundEvent) == 0
