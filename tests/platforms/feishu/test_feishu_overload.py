"""Overload at the webhook (issue 18): when the inbox takes no more, Feishu gets a quick 503 with
Retry-After — a status it delivers again — and nothing is stored or done; the same request sent
again once there is room is acknowledged, handled once, and a further retry changes nothing."""
from __future__ import annotations

from bot import keys
from tests.platforms.feishu.conftest import SITE
from tests.platforms.feishu.driver import BOT, ENCRYPT_KEY, message_event
from tests.platforms.feishu.signing import wrap


async def test_a_full_inbox_answers_503_and_the_retry_is_handled_once(feishu):
    payload = message_event("ou_li", SITE, {"text": "@_user_1 报修 5号楼3层卫生间渗水"},
                            mentions=[("@_user_1", BOT, "sitebot")])
    feishu.fake.receive(payload["event"]["message"]["message_id"], SITE, "ou_li")
    body, headers = wrap(payload, ENCRYPT_KEY, int(feishu.clock().timestamp()))
    consumer = feishu.app[keys.INBOX]
    consumer.writer.max_waiting = 0            # as if 5,000 events already waited for a commit
    busy = await feishu.client.post("/webhooks/feishu", data=body, headers=headers)
    assert busy.status == 503 and busy.headers["Retry-After"] == "1"
    assert await consumer.inbox.waiting(feishu.clock()) == []          # nothing stored …
    assert await consumer.drain() == 0
    await feishu.deliver()
    assert feishu.cards(SITE) == []                                     # … nor done

    consumer.writer.max_waiting = 5000
    for _ in range(2):                         # Feishu's retry, and a retry of that
        ok = await feishu.client.post("/webhooks/feishu", data=body, headers=headers)
        assert ok.status == 200, await ok.text()
        await consumer.drain()
        await feishu.deliver()
    [card] = feishu.cards(SITE)
    assert "5号楼3层卫生间渗水" in str(card.body)
