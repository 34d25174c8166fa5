"""巡检 through the Feishu edge (signed, encrypted group messages; cards and tickets out through
the fake open platform): start, items passed and failed (a failed one opens a ticket as 报修
would), findings in one go, close, and the period's list. Bad input writes nothing."""
from __future__ import annotations

from bot import keys
from domain.store.models.site import SiteInspection
from tests.capture.photos import send_photo
from tests.platforms.feishu.conftest import SITE
from tests.platforms.feishu.driver import card_texts


async def _say(feishu, text: str) -> None:
    # People type a few seconds apart (Feishu takes 5 messages a second per chat, the fake too).
    feishu.clock.advance(seconds=3)
    await feishu.say("ou_li", SITE, text)


def _last(feishu) -> tuple[str, str]:
    card = feishu.cards(SITE)[-1]
    return card.body["header"]["title"]["content"], card_texts(card.body)


def _texts(feishu) -> list[str]:
    return [m.body.get("text", "") for m in feishu.fake.sent(SITE) if m.msg_type == "text"]


async def _inspection(feishu, inspection_id: int = 1) -> SiteInspection | None:
    async with feishu.app[keys.STORE].transaction() as tx:
        return await tx.site.inspection(inspection_id)


async def test_an_inspection_walk_records_items_opens_a_ticket_for_a_failure_and_closes(feishu):
    await _say(feishu, "巡检 5号楼外架、临边防护")
    title, text = _last(feishu)
    assert title == "巡检 XJ-1 进行中" and "5号楼外架、临边防护" in text and "李工长" in text
    await _say(feishu, "巡检 合格 安全网")
    await _say(feishu, "巡检 不合格 3层临边缺护栏")
    ticket_cards = [c for c in feishu.cards(SITE) if c.body["header"]["title"]["content"].startswith("工单 T-1")]
    assert len(ticket_cards) == 1 and "【巡检 XJ-1】3层临边缺护栏" in ticket_cards[0].body["header"]["title"]["content"]
    title, text = _last(feishu)
    assert "✅ 安全网" in text and "❌ 3层临边缺护栏 → T-1" in text
    await _say(feishu, "巡检 结束")
    title, text = _last(feishu)
    assert title == "巡检 XJ-1 已结束" and "共 2 项，1 项不合格" in text
    inspection = await _inspection(feishu)
    assert inspection.closed_at is not None and inspection.finding_ticket_ids == [1]
    assert [(i["text"], i["ok"], i["ticket_id"]) for i in inspection.items] == [
        ("安全网", True, None), ("3层临边缺护栏", False, 1)]
    await _say(feishu, "巡检 记录 本周")
    title, text = _last(feishu)
    assert title == "P-001 现场巡检 · 本周" and "XJ-1" in text and "2 项（1 项不合格）" in text


async def test_findings_in_one_go_open_a_ticket_each(feishu):
    await _say(feishu, "巡检 发现 2号塔吊限位失灵；5层洞口无盖板")
    titles = [c.body["header"]["title"]["content"] for c in feishu.cards(SITE)]
    assert any(t.startswith("工单 T-1") for t in titles) and any(t.startswith("工单 T-2") for t in titles)
    inspection = await _inspection(feishu)
    assert inspection.finding_ticket_ids == [1, 2] and inspection.closed_at is None


async def test_bad_inspection_input_gets_a_clear_answer_and_writes_nothing(feishu):
    await _say(feishu, "巡检 合格 安全网")              # nothing open
    await _say(feishu, "巡检")                          # nothing said
    await _say(feishu, "巡检 记录 去年")                 # no such period
    assert _texts(feishu) == ["这里没有进行中的巡检。先发：巡检 <部位>，或直接 巡检 发现 …",
                              "请写明巡检的部位或内容，例如：巡检 5号楼外架、临边防护（可带位置和照片）",
                              "请写：巡检 记录 [项目] 今天 / 本周 / 本月"]
    assert await _inspection(feishu) is None
    await _say(feishu, "巡检 5号楼")
    await _say(feishu, "巡检 合格")                     # an empty item
    assert _texts(feishu)[-1].startswith("请写明检查项")
    assert (await _inspection(feishu)).items == []


async def test_photos_right_after_join_the_inspection_and_after_a_failure_its_ticket(feishu):
    await _say(feishu, "巡检 5号楼外架")
    feishu.clock.advance(seconds=3)
    await send_photo(feishu, "ou_li", SITE)
    assert _texts(feishu)[-1] == "📷 1 张照片已加到巡检 XJ-1"
    inspection = await _inspection(feishu)
    assert [a["ref"][:7] for a in inspection.attachments] == ["/media/"]   # our own copy
    await _say(feishu, "巡检 不合格 3层临边缺护栏")
    feishu.clock.advance(seconds=3)
    await send_photo(feishu, "ou_li", SITE)
    async with feishu.app[keys.STORE].transaction() as tx:
        assert [a.kind for a in await tx.tickets.attachments(1)] == ["image"]   # on the ticket
    assert len((await _inspection(feishu)).attachments) == 1


async def test_photos_after_a_report_made_during_an_inspection_go_to_the_report(feishu):
    await _say(feishu, "巡检 5号楼外架")
    await _say(feishu, "报修 2层楼梯间照明不亮")
    feishu.clock.advance(seconds=3)
    await send_photo(feishu, "ou_li", SITE)
    async with feishu.app[keys.STORE].transaction() as tx:
        assert [a.kind for a in await tx.tickets.attachments(1)] == ["image"]
    assert (await _inspection(feishu)).attachments == []
