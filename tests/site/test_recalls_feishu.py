"""Recalls through the Feishu edge: a report sent to the group, then Feishu's signed, encrypted
`im.message.recalled_v1` for that message. An untouched ticket is withdrawn and every copy of
its card says so; an accepted one stays and notes the recall; a second delivery changes nothing."""
from __future__ import annotations

import uuid

from bot import keys
from sqlalchemy import select

from domain.store.models import AuditEntry, Ticket
from tests.platforms.feishu.conftest import SITE
from tests.platforms.feishu.driver import buttons, card_texts, sample

REPORT = "报修 3号楼5层卫生间漏水"


def recalled_event(message_id: str, chat_id: str, event_id: str | None = None) -> dict:
    payload = sample("message_recalled.json")
    payload["header"]["event_id"] = event_id or uuid.uuid4().hex
    payload["event"].update(message_id=message_id, chat_id=chat_id)
    return payload


async def _ticket(feishu, ticket_id: int = 1) -> Ticket:
    async with feishu.app[keys.STORE].transaction() as tx:
        return await tx.tickets.get(ticket_id)


async def _recall(feishu, message_id: str, event_id: str | None = None) -> None:
    response = await feishu.post(recalled_event(message_id, SITE, event_id))
    assert response.status == 200, await response.text()
    await feishu.deliver()


async def test_a_recalled_report_withdraws_its_untouched_ticket_and_its_cards_say_so(feishu):
    message_id = await feishu.say("ou_li", SITE, REPORT)
    [card] = feishu.cards(SITE)
    assert (await _ticket(feishu)).source_message_id == message_id
    await _recall(feishu, message_id, event_id="evt-recall-1")
    ticket = await _ticket(feishu)
    assert (ticket.status, ticket.closed_reason) == ("closed", "withdrawn")
    assert ticket.next_due_at is None                    # no reminders for a withdrawn ticket
    assert len(card.versions) == 1                       # the group's copy, patched in place
    assert "报告人已撤回原消息，工单已撤销" in card_texts(card.body)
    assert "接单" not in buttons(card.body)
    copies = [m for m in feishu.fake.messages.values()
              if m.msg_type == "interactive" and m.message_id != card.message_id]
    assert copies                                         # the assignee's copy, one-to-one
    for copy in copies:
        assert "报告人已撤回原消息" in card_texts(copy.body)
    # Feishu delivers the same recall again, and then another event for it: nothing more.
    await _recall(feishu, message_id, event_id="evt-recall-1")
    await _recall(feishu, message_id)
    assert len(card.versions) == 1
    async with feishu.app[keys.STORE].transaction() as tx:
        assert [e.kind for e in await tx.tickets.events(1)].count("withdrawn") == 1
        actions = list(await tx.session.scalars(select(AuditEntry.action).where(
            AuditEntry.subject_id == "T-1")))
        assert actions.count("ticket.withdrawn") == 1


async def test_a_recall_after_someone_acted_keeps_the_ticket_with_a_note(feishu):
    message_id = await feishu.say("ou_li", SITE, REPORT)
    [card] = feishu.cards(SITE)
    ticket = await _ticket(feishu)
    assignee = {"王工": "ou_wang", "赵质检": "ou_zhao", "李工长": "ou_li"}
    async with feishu.app[keys.STORE].transaction() as tx:
        name = (await tx.people.get(ticket.assignee_id)).name
    answer = await feishu.click(assignee[name], SITE, card.message_id, buttons(card.body)["接单"])
    assert answer["toast"]["type"] == "success"
    await _recall(feishu, message_id)
    ticket = await _ticket(feishu)
    assert ticket.status == "in_progress" and ticket.source_recalled_at is not None
    text = card_texts(card.body)
    assert "↩️ 报告人已撤回原消息" in text and "工单已撤销" not in text


async def test_a_recalled_message_that_opened_no_ticket_changes_nothing(feishu):
    message_id = await feishu.say("ou_li", SITE, "收到", at_bot=False)
    await feishu.say("ou_li", SITE, REPORT)
    await _recall(feishu, message_id)
    assert (await _ticket(feishu)).status == "open"
    assert (await _ticket(feishu)).source_recalled_at is None
