"""验收 through the DingTalk edge: asked in the group (signed robot callback), the card goes to
the owner's contact one-to-one with its buttons as DingTalk fallback links; the press comes back
as the command the link sends, and the record goes into the group as a PDF file (uploaded with
media/upload, sent as a `sampleFile` robot message)."""
from __future__ import annotations

import pytest

from bot import keys
from handlers.site.jobs import send_pdfs
from tests.platforms.dingtalk.conftest import fake_dingtalk, start  # noqa: F401 - fixture used here
from tests.site.test_acceptance_feishu import ASK, cjk_font  # noqa: F401 - fixture used here

LI, LIU = "li01", "liu01"


@pytest.fixture
async def dingtalk(db_url, clock, aiohttp_client, fake_dingtalk):  # noqa: ANN001, ANN201, F811
    """The DingTalk app with the server API (media/upload) on the fake too."""
    return await start(db_url, clock, aiohttp_client, fake_dingtalk, oapi_url=fake_dingtalk.base_url)


async def test_the_owner_passes_it_on_dingtalk_and_the_pdf_goes_to_the_group(dingtalk, fake_dingtalk, cjk_font):  # noqa: F811
    await dingtalk.say(LI, ASK)
    assert "已发起验收 YS-1" in dingtalk.last_group()["text"]
    [card] = [m for m in fake_dingtalk.messages_for(LIU) if "通过" in m["buttons"]]
    assert "验收单 YS-1 · 隐蔽工程 · 5层顶板钢筋" in card["text"]
    dingtalk.clock.advance(seconds=3)
    await dingtalk.press(LIU, card, "通过", group=False)
    assert await send_pdfs(dingtalk.app[keys.JOBS]) == 1     # the PDF job's pass
    await dingtalk.deliver()
    [pdf] = [m for m in dingtalk.group_messages() if m["kind"] == "sampleFile"]
    assert pdf["text"] == "验收单-YS-1-5层顶板钢筋.pdf" and pdf["file_type"] == "pdf"
    name, data = fake_dingtalk.media[pdf["media_id"]]
    assert data.startswith(b"%PDF")
    async with dingtalk.app[keys.STORE].transaction() as tx:
        assert (await tx.site.acceptance(1)).status == "passed"
