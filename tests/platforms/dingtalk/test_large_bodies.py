"""A callback whose body comes in more than one network chunk is read whole (aiohttp's
read(n) returns what has arrived, so one call cut it short: the edge answered 400, "not JSON",
and DingTalk's message was lost). Sent here as a client does when the body is long: the
first part, then the rest once the server has begun reading."""
from __future__ import annotations

import asyncio
import json

from bot import keys
from tests.platforms.dingtalk.driver import signed_headers

DETAIL = "渗水位置在淋浴区墙角，地漏附近瓷砖空鼓，楼下天花板有水渍。" * 60   # a long pasted report


async def test_a_long_message_in_two_chunks_is_read_whole(dingtalk):
    body = json.dumps(dingtalk.payload("li01", "报修 5号楼3层卫生间渗水，" + DETAIL), ensure_ascii=False).encode()
    assert 4096 < len(body) < 64 * 1024      # under the edge's limit, over the first part

    async def in_two_parts():  # noqa: ANN202
        yield body[:4096]
        await asyncio.sleep(0.2)   # the rest after the edge has started reading (not a timing assert)
        yield body[4096:]

    headers = {**signed_headers(dingtalk.now_ms()), "Content-Length": str(len(body))}
    response = await dingtalk.client.post("/webhooks/dingtalk", data=in_two_parts(), headers=headers)
    assert response.status == 200, await response.text()
    await dingtalk.app[keys.INBOX].drain()
    await dingtalk.deliver()
    async with dingtalk.app[keys.STORE].transaction() as tx:
        ticket = await tx.tickets.get(1)
    assert ticket is not None and DETAIL[-40:] in ticket.description
