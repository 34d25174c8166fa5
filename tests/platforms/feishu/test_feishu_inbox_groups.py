"""Events that wait in the inbox together, from different chats, are handled in one transaction
(bot/inbox.py groups them; Dispatcher.handle_many): each still gets exactly the answer it would
get alone — a refusal undoes only its own work — one chat's events keep their order, and a
platform retry of the whole lot changes nothing."""
from __future__ import annotations

from bot import keys
from tests.platforms.feishu.conftest import LOBBY, SITE
from tests.platforms.feishu.driver import BOT, ENCRYPT_KEY, card_texts, message_event
from tests.platforms.feishu.signing import wrap

DM = "oc_dm_zhao"


def said(feishu, sender: str, chat_id: str, text: str, *, chat_type: str = "group") -> dict:  # noqa: ANN001
    mentions = [("@_user_1", BOT, "sitebot")] if chat_type == "group" else []
    content = {"text": f"@_user_1 {text}" if mentions else text}
    payload = message_event(sender, chat_id, content, chat_type=chat_type, mentions=mentions)
    feishu.fake.receive(payload["event"]["message"]["message_id"], chat_id, sender)
    return payload


async def stored(feishu, payloads: list[dict]) -> None:  # noqa: ANN001
    """Posted to the webhook and acknowledged, but not handled yet (they wait together)."""
    for payload in payloads:
        body, headers = wrap(payload, ENCRYPT_KEY, int(feishu.clock().timestamp()))
        response = await feishu.client.post("/webhooks/feishu", data=body, headers=headers)
        assert response.status == 200, await response.text()


def texts(feishu, receive_id: str) -> list[str]:  # noqa: ANN001
    out = []
    for message in feishu.fake.sent(receive_id):
        out.append(card_texts(message.body) if message.msg_type == "interactive" else message.body["text"])
    return out


async def test_waiting_events_of_different_chats_are_each_answered_as_if_alone(feishu):
    report = said(feishu, "ou_li", SITE, "报修 5号楼3层卫生间渗水")
    missing = said(feishu, "ou_li", LOBBY, "工单 T-99")                  # refused: no such ticket
    mine = said(feishu, "ou_zhao", DM, "我的工单", chat_type="p2p")
    await stored(feishu, [report, missing, mine])
    assert await feishu.app[keys.INBOX].drain() == 3
    await feishu.deliver()

    [card] = feishu.fake.sent(SITE)
    assert card.parent_id == report["event"]["message"]["message_id"]
    assert "工单 T-1" in card_texts(card.body)
    assert texts(feishu, LOBBY) == ["工单 T-99 不存在。"]
    [listing] = texts(feishu, DM)
    assert "T-1" in listing                                   # the ticket of the same batch
    async with feishu.app[keys.STORE].transaction() as tx:
        answered = {e: await tx.inbound.get("feishu", p["event"]["message"]["message_id"])
                    for e, p in (("report", report), ("missing", missing), ("mine", mine))}
        assert {e: row.status for e, row in answered.items()} == {
            "report": "done", "missing": "refused", "mine": "done"}
        assert (await tx.tickets.get(1)).title == "5号楼3层卫生间渗水"
        assert await tx.tickets.get(2) is None

    sent = len(feishu.fake.messages)
    await stored(feishu, [report, missing, mine])                 # Feishu delivers them again
    assert await feishu.app[keys.INBOX].drain() == 3
    await feishu.deliver()
    assert len(feishu.fake.messages) == sent


async def test_a_chats_events_keep_their_order_among_other_chats(feishu):
    first = said(feishu, "ou_li", SITE, "报修 5号楼3层卫生间渗水")
    elsewhere = said(feishu, "ou_li", LOBBY, "工单 T-99")
    then = said(feishu, "ou_li", SITE, "工单 T-1")                  # needs the report before it
    await stored(feishu, [first, elsewhere, then])
    assert await feishu.app[keys.INBOX].drain() == 3
    await feishu.deliver()
    answers = texts(feishu, SITE)
    assert len(answers) == 3                                      # card, card again, timeline
    assert all("工单 T-1" in a for a in answers[:2])
    assert "T-1" in answers[2] and "不存在" not in "".join(answers)
