"""A press acknowledged before its work was done gets its new card shown even when the late
answer never reaches the platform (it failed, or the process died right after the commit):
the event stays in the inbox until the presser was shown the card, and the inbox then redraws
the pressed card through the outbox — once."""
from __future__ import annotations

from bot import keys
from bot.feishu.edge import FEISHU_EDGE
from bot.inbound import INLINE_GRACE, Answering
from tests.platforms.feishu.conftest import SITE
from tests.platforms.feishu.driver import buttons, card_texts, click_event

REPORT = "报修 5号楼3层卫生间渗水，比较急"


async def test_a_late_press_whose_answer_failed_has_its_card_redrawn_by_the_inbox(feishu, clock):
    await feishu.say("ou_li", SITE, REPORT)
    [group_card] = feishu.cards(SITE)
    feishu.app[FEISHU_EDGE].answering = Answering(deadline=0.0)   # the work outlives the answer
    feishu.fake.throttle(1, "1")        # and the late card update is refused (429)
    press = click_event("ou_zhao", SITE, group_card.message_id, buttons(group_card.body)["接单"])
    response = await feishu.post(press)
    assert response.status == 200 and await response.json() == {}
    await feishu.app[keys.INBOUND].settle()
    assert feishu.fake.card_updates == [] and group_card.versions == []

    clock.advance(seconds=INLINE_GRACE.total_seconds() + 1)   # the inline hold is over
    await feishu.app[keys.INBOX].drain()
    await feishu.deliver()
    assert len(group_card.versions) == 1 and "处理中 · 赵质检" in card_texts(group_card.body)
    async with feishu.app[keys.STORE].transaction() as tx:
        accepted = [e for e in await tx.tickets.events(1) if e.kind == "accepted"]
    assert len(accepted) == 1

    # A platform re-push of the same press later changes nothing and redraws nothing again.
    clock.advance(seconds=60)
    assert (await feishu.post(press)).status == 200
    await feishu.app[keys.INBOUND].settle()
    await feishu.app[keys.INBOX].drain()
    await feishu.deliver()
    assert len(group_card.versions) == 1
