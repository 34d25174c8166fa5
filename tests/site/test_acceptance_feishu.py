"""验收 through the Feishu edge: the site team asks, the project's customer contacts (监理 何监理,
the owner's 刘总) get the card directly with 通过 / 不通过; the first decision goes on the record
and the audit log, every copy of the card says it, and the record goes into the group as a PDF
file (uploaded through im/v1/files, sent as a `file` message)."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from bot import keys
from domain.store.models import AuditEntry, Identity
from handlers.site.jobs import send_pdfs
from tests.platforms.feishu.conftest import SITE
from tests.platforms.feishu.driver import buttons, card_texts

ASK = "验收 隐蔽工程 5层顶板钢筋 绑扎间距150，保护层25"
DM_HE, DM_LIU = "oc_dm_he", "oc_dm_liu"


@pytest.fixture
def cjk_font() -> None:
    from handlers.reports import charts
    if not charts.available():
        pytest.skip("no CJK font installed (fonts-noto-cjk): the PDF is left out")


async def _with_supervisor(feishu) -> None:
    async with feishu.app[keys.STORE].transaction() as tx:
        he = (await tx.people.by_name("何监理"))[0]
        tx.add(Identity(person_id=he.id, platform="feishu", external_id="ou_he", display_name="何监理",
                        created_at=feishu.clock()))
    feishu.fake.chats |= {DM_HE, DM_LIU}


async def _say(feishu, who: str, chat: str, text: str) -> None:
    feishu.clock.advance(seconds=3)
    await feishu.say(who, chat, text, chat_type="group" if chat == SITE else "p2p")


def _texts(feishu, receive_id: str) -> list[str]:
    return [m.body.get("text", "") for m in feishu.fake.sent(receive_id) if m.msg_type == "text"]


async def _pdfs(feishu) -> int:
    """A pass of the job that sends decided records as PDFs (handlers/site/jobs.py)."""
    sent = await send_pdfs(feishu.app[keys.JOBS])
    await feishu.deliver()
    return sent


async def _audit(feishu) -> list[str]:
    async with feishu.app[keys.STORE].transaction() as tx:
        return list(await tx.session.scalars(select(AuditEntry.action).where(
            AuditEntry.subject_type == "acceptance").order_by(AuditEntry.id)))


async def test_the_supervisor_passes_it_from_the_card_and_the_pdf_goes_to_the_group(feishu, cjk_font):
    await _with_supervisor(feishu)
    await _say(feishu, "ou_li", SITE, ASK)
    assert _texts(feishu, SITE)[-1] == "已发起验收 YS-1，已发给 刘总（业主）、何监理 确认"
    [to_he], [to_liu] = feishu.cards("ou_he"), feishu.cards("ou_liu")
    assert to_he.body["header"]["title"]["content"] == "验收单 YS-1 · 隐蔽工程 · 5层顶板钢筋"
    assert "绑扎间距150，保护层25" in card_texts(to_he.body)
    assert set(buttons(to_he.body)) == {"通过", "不通过"}
    # Someone else on the site team may not sign it off.
    feishu.clock.advance(seconds=3)
    refused = await feishu.click("ou_wang", SITE, to_he.message_id, buttons(to_he.body)["通过"])
    assert refused["toast"]["content"].startswith("无权限") and "何监理" in refused["toast"]["content"]
    feishu.clock.advance(seconds=3)
    answer = await feishu.click("ou_he", DM_HE, to_he.message_id, buttons(to_he.body)["通过"])
    assert answer["toast"] == {"type": "success", "content": "验收单 YS-1：通过"}
    for card in (to_he, to_liu):   # every copy redrawn, without buttons
        text = card_texts(card.body if card is to_liu else answer["card"]["data"])
        assert "✅ **通过** · 何监理" in text
    assert buttons(to_liu.body) == {}
    assert feishu.fake.sent_files(SITE) == []              # drawn off the press, by the job
    assert await _pdfs(feishu) == 1 and await _pdfs(feishu) == 0
    [(name, data)] = feishu.fake.sent_files(SITE)
    assert name == "验收单-YS-1-5层顶板钢筋.pdf" and data.startswith(b"%PDF")
    async with feishu.app[keys.STORE].transaction() as tx:
        record = await tx.site.acceptance(1)
        he = (await tx.people.by_name("何监理"))[0]
    assert (record.status, record.decided_by_id) == ("passed", he.id) and record.decided_at is not None
    # The owner presses too, later: decided already, nothing changes.
    feishu.clock.advance(seconds=3)
    again = await feishu.click("ou_liu", DM_LIU, to_liu.message_id, {"action": "site.accept_pass",
                                                                     "value": {"record": 1}})
    assert again["toast"]["content"] == "验收单 YS-1 已经确认过了"
    assert await _audit(feishu) == ["acceptance.requested", "acceptance.passed"]
    assert len(feishu.fake.sent_files(SITE)) == 1


async def test_a_failure_needs_its_reason_and_goes_on_the_record(feishu, cjk_font):
    await _with_supervisor(feishu)
    await _say(feishu, "ou_li", SITE, ASK)
    [to_liu] = feishu.cards("ou_liu")
    feishu.clock.advance(seconds=3)
    answer = await feishu.click("ou_liu", DM_LIU, to_liu.message_id, buttons(to_liu.body)["不通过"])
    assert answer["toast"]["content"] == "请回复原因：验收 不通过 YS-1 <原因>"
    await _say(feishu, "ou_liu", DM_LIU, "验收 不通过 YS-1")             # no reason: asked again
    assert _texts(feishu, DM_LIU)[-1] == "不通过请写明原因：验收 不通过 YS-1 <原因>"
    await _say(feishu, "ou_liu", DM_LIU, "验收 不通过 YS-1 保护层不足，垫块缺失")
    async with feishu.app[keys.STORE].transaction() as tx:
        record = await tx.site.acceptance(1)
    assert (record.status, record.reason) == ("failed", "保护层不足，垫块缺失")
    assert "原因：保护层不足，垫块缺失" in card_texts(to_liu.body)
    assert await _pdfs(feishu) == 1
    assert len(feishu.fake.sent_files(SITE)) == 1
    assert await _audit(feishu) == ["acceptance.requested", "acceptance.failed"]


async def test_bad_requests_get_a_clear_answer_and_write_nothing(feishu):
    await _say(feishu, "ou_li", SITE, "验收 随便 5层")
    assert _texts(feishu, SITE)[-1].startswith(
        "请写：验收 <类型> <部位/名称> <内容>，类型：隐蔽工程 / 分项工程 / 材料进场")
    await _say(feishu, "ou_liu", SITE, ASK)            # the owner's contact does not ask
    assert _texts(feishu, SITE)[-1] == "无权限：验收由施工方发起，监理/业主确认"
    async with feishu.app[keys.STORE].transaction() as tx:
        assert await tx.site.acceptance(1) is None
    assert await _audit(feishu) == []
