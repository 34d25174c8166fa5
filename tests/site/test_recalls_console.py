"""撤回 in the console: the author withdraws their report; the ticket it opened is withdrawn and
its card redrawn; someone else cannot recall it; a repeated request changes nothing."""
from __future__ import annotations

from bot import keys
from tests.console_driver import card_text

SITE = "p001-site"


async def _recall(console, user: str, chat: str, message_id: str, event_id: str = "r-1") -> int:
    response = await console.client.post("/console/api/recall", json={
        "user": user, "chat": chat, "message_id": message_id, "event_id": event_id})
    await console.deliver()
    return response.status


async def test_the_author_recalls_a_report_and_its_ticket_is_withdrawn(console):
    sent = await console.say("u-li", SITE, "报修 3号楼5层卫生间漏水")
    assert await _recall(console, "u-wang", SITE, sent["message_id"]) == 403   # not theirs
    async with console.app[keys.STORE].transaction() as tx:
        assert (await tx.tickets.get(1)).status == "open"
    assert await _recall(console, "u-li", SITE, sent["message_id"]) == 200
    assert await _recall(console, "u-li", SITE, sent["message_id"]) == 200     # the same request again
    async with console.app[keys.STORE].transaction() as tx:
        ticket = await tx.tickets.get(1)
        assert (ticket.status, ticket.closed_reason) == ("closed", "withdrawn")
        assert [e.kind for e in await tx.tickets.events(1)].count("withdrawn") == 1
    history = await console.history(SITE)
    mine = next(m for m in history if m["id"] == sent["message_id"])
    assert mine["body"].get("recalled") is True
    card = next(m for m in history if m["body"]["type"] == "card")
    assert "报告人已撤回原消息，工单已撤销" in card_text(card["body"])


async def test_recalling_a_message_not_in_the_chat_is_refused(console):
    assert await _recall(console, "u-li", SITE, "cm-nope-1") == 404
