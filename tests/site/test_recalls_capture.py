"""Recalls of sentences filed through the one-tap 登记 proposal (issue 17): the sentence's
message is remembered on the proposal, so recalling it on Feishu withdraws the ticket it
became when nobody acted, keeps it with a note otherwise, and a proposal still waiting goes."""
from __future__ import annotations

from bot import keys
from domain.store.models import Identity
from tests.platforms.feishu.conftest import SITE
from tests.platforms.feishu.driver import buttons, card_texts
from tests.site.test_recalls_feishu import _recall, _ticket

HAZARD = "5号楼电梯口有钢筋没人管，很危险"
DM_LI = "oc_dm_li"


async def _proposed(feishu) -> tuple[str, object]:
    feishu.fake.chats.add(DM_LI)
    message_id = await feishu.say("ou_li", SITE, HAZARD, at_bot=False)
    [proposal] = feishu.cards("ou_li")
    return message_id, proposal


async def test_a_recalled_sentence_withdraws_the_ticket_its_proposal_filed(feishu):
    message_id, proposal = await _proposed(feishu)
    await feishu.click("ou_li", DM_LI, proposal.message_id, buttons(proposal.body)["登记"])
    [card] = feishu.cards(SITE)
    assert (await _ticket(feishu)).source_message_id == message_id
    await _recall(feishu, message_id)
    ticket = await _ticket(feishu)
    assert (ticket.status, ticket.closed_reason) == ("closed", "withdrawn")
    assert "报告人已撤回原消息，工单已撤销" in card_texts(card.body)


async def test_a_recalled_sentence_whose_ticket_was_taken_keeps_it_with_a_note(feishu):
    message_id, proposal = await _proposed(feishu)
    await feishu.click("ou_li", DM_LI, proposal.message_id, buttons(proposal.body)["登记"])
    [card] = feishu.cards(SITE)
    ticket = await _ticket(feishu)
    async with feishu.app[keys.STORE].transaction() as tx:
        name = (await tx.people.get(ticket.assignee_id)).name
    who = {"王工": "ou_wang", "赵质检": "ou_zhao", "李工长": "ou_li", "孙安全": "ou_sun"}[name]
    async with feishu.app[keys.STORE].transaction() as tx:   # the assignee on Feishu too
        if not await tx.people.by_identity("feishu", who):
            tx.add(Identity(person_id=ticket.assignee_id, platform="feishu", external_id=who,
                            display_name=name, created_at=feishu.clock()))
    answer = await feishu.click(who, SITE, card.message_id, buttons(card.body)["接单"])
    assert answer["toast"]["type"] == "success"
    await _recall(feishu, message_id)
    ticket = await _ticket(feishu)
    assert ticket.status == "in_progress" and ticket.source_recalled_at is not None
    assert "↩️ 报告人已撤回原消息" in card_texts(card.body)


async def test_a_recalled_sentence_takes_its_waiting_proposal_away(feishu):
    message_id, proposal = await _proposed(feishu)
    await _recall(feishu, message_id)
    assert "不用登记" in card_texts(proposal.body)          # the proposal redrawn
    answer = await feishu.click("ou_li", DM_LI, proposal.message_id, buttons(proposal.body)["登记"]
                                if "登记" in buttons(proposal.body) else {"action": "capture.file",
                                                                       "value": {"draft": 1}})
    assert answer["toast"]["content"] != "已登记为工单 T-1"
    assert await _ticket(feishu) is None
