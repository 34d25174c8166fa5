"""At most one unasked offer per person every few minutes (durably: two processes on one
database agree), none of that for messages addressed to the bot, and a photo sent just
after a sentence that was not quite a report makes it one. Through the Feishu edge, on the
fixed clock."""
from __future__ import annotations

from sqlalchemy import func, select

from bot import keys
from bot.app import create_app
from domain.capture.classifier import shared
from domain.capture.proposals import CaptureRules
from domain.store.models import ReportDraft
from tests.platforms.feishu.conftest import LOBBY, SITE, feishu_settings
from tests.capture.photos import send_photo
from tests.platforms.feishu.driver import FeishuDriver, card_texts

HAZARDS = ["5号楼电梯口有钢筋没人管，很危险", "3号楼四层临边防护栏杆被拆了，还没恢复",
           "配电箱门开着，里面线头都露在外面", "二层楼板那个预留洞口没盖板，差点有人踩下去",
           "外架第七步连墙件松了好几个，架子晃得厉害"]


def proposals_to(feishu, open_id: str) -> int:
    return sum("要登记为工单吗？" in card_texts(c.body) for c in feishu.cards(open_id))


async def test_one_unasked_offer_per_person_every_few_minutes(feishu, clock):
    assert CaptureRules().offer_every_minutes == 5
    await feishu.say("ou_li", SITE, HAZARDS[0], at_bot=False)
    assert proposals_to(feishu, "ou_li") == 1
    clock.advance(minutes=1)
    await feishu.say("ou_li", SITE, HAZARDS[1], at_bot=False)
    await feishu.say("ou_wang", SITE, HAZARDS[2], at_bot=False)     # someone else: their own
    assert (proposals_to(feishu, "ou_li"), proposals_to(feishu, "ou_wang")) == (1, 1)
    clock.advance(minutes=3)
    await feishu.say("ou_li", SITE, HAZARDS[3], at_bot=False)
    assert proposals_to(feishu, "ou_li") == 1
    # Asking the bot is never limited: the proposal comes at once, in the group.
    await feishu.say("ou_li", SITE, HAZARDS[3])
    assert sum("要登记为工单吗？" in card_texts(c.body) for c in feishu.cards(SITE)) == 1
    clock.advance(minutes=6)                                          # 10 minutes after the first
    await feishu.say("ou_li", SITE, HAZARDS[4], at_bot=False)
    assert proposals_to(feishu, "ou_li") == 2
    assert HAZARDS[4] in card_texts(feishu.cards("ou_li")[-1].body)


async def test_two_processes_on_one_database_keep_the_limit(feishu, fake, clock, db_url, aiohttp_client):
    other_app = create_app(feishu_settings(db_url, fake), clock=clock, demo=False, run_worker=False)
    other = FeishuDriver(await aiohttp_client(other_app), fake, clock)
    await feishu.say("ou_li", SITE, HAZARDS[0], at_bot=False)
    clock.advance(minutes=2)
    await other.say("ou_li", SITE, HAZARDS[1], at_bot=False)
    assert proposals_to(feishu, "ou_li") == 1
    clock.advance(minutes=10)
    await other.say("ou_li", SITE, HAZARDS[2], at_bot=False)
    assert proposals_to(feishu, "ou_li") == 2


async def test_a_photo_just_after_makes_a_borderline_sentence_a_report(feishu):
    sentence = "3号楼楼梯间这里看一下"
    thresholds = CaptureRules().thresholds
    assert thresholds.with_photo <= shared().judge(sentence).score < thresholds.group   # borderline
    await feishu.say("ou_li", SITE, sentence, at_bot=False)
    assert feishu.fake.sent("ou_li") == []
    await send_photo(feishu, "ou_li", SITE)
    [proposal] = feishu.cards("ou_li")
    assert sentence in card_texts(proposal.body) and "📷 1 张照片" in card_texts(proposal.body)
    assert feishu.fake.sent(SITE) == []


async def test_an_unbound_group_gets_no_offer_and_keeps_nothing(feishu):
    await feishu.say("ou_li", LOBBY, HAZARDS[0], at_bot=False)
    assert feishu.fake.sent("ou_li") == [] and feishu.fake.sent(LOBBY) == []
    async with feishu.app[keys.STORE].transaction() as tx:
        assert await tx.session.scalar(select(func.count()).select_from(ReportDraft)) == 0
