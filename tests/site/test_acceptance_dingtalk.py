"""验收 through the DingTalk edge: asked in the group (signed robot callback), the card goes to
the owner's contact one-to-one with its buttons as DingTalk fallback links; a picture sent right
after goes on the record; the press comes back as the command the link sends, and the record
goes into the group as a PDF file with the picture (uploaded with media/upload, sent as a
`sampleFile` robot message)."""
from __future__ import annotations

import pytest

from bot import keys
from handlers.site.jobs import send_pdfs
from tests.platforms.dingtalk.conftest import fake_dingtalk, start  # noqa: F401 - fixture used here
from tests.site.test_acceptance_feishu import ASK, cjk_font  # noqa: F401 - fixture used here
from tests.site.test_acceptance_pdf import images_of, photo

LI, LIU = "li01", "liu01"


@pytest.fixture
async def dingtalk(db_url, clock, aiohttp_client, fake_dingtalk):  # noqa: ANN001, ANN201, F811
    """The DingTalk app with the server API (media/upload) on the fake too."""
    return await start(db_url, clock, aiohttp_client, fake_dingtalk, oapi_url=fake_dingtalk.base_url)


async def test_the_owner_passes_it_on_dingtalk_and_the_pdf_goes_to_the_group(dingtalk, fake_dingtalk, cjk_font):  # noqa: F811
    await dingtalk.say(LI, ASK)
    assert "已发起验收 YS-1" in dingtalk.last_group()["text"]
    # A picture sent on its own right after (a robot `picture` message, downloaded with its
    # downloadCode): it goes on the record and into the PDF.
    fake_dingtalk.files["dlcodeYS1"] = (photo(5), "image/jpeg")
    picture = dingtalk.payload(LI, "")
    picture.pop("text")
    picture.update(msgtype="picture", content={"downloadCode": "dlcodeYS1", "pictureDownloadCode": "p"})
    dingtalk.clock.advance(seconds=3)
    assert (await dingtalk.post(picture)).status == 200
    await dingtalk.deliver()
    assert "📷 1 张照片已加到验收单 YS-1" in dingtalk.last_group()["text"]
    [card] = [m for m in fake_dingtalk.messages_for(LIU) if "通过" in m["buttons"]]
    assert "验收单 YS-1 · 隐蔽工程 · 5层顶板钢筋" in card["text"]
    dingtalk.clock.advance(seconds=3)
    await dingtalk.press(LIU, card, "通过", group=False)
    assert await send_pdfs(dingtalk.app[keys.JOBS]) == 1     # the PDF job's pass
    await dingtalk.deliver()
    [pdf] = [m for m in dingtalk.group_messages() if m["kind"] == "sampleFile"]
    assert pdf["text"] == "验收单-YS-1-5层顶板钢筋.pdf" and pdf["file_type"] == "pdf"
    name, data = fake_dingtalk.media[pdf["media_id"]]
    assert data.startswith(b"%PDF") and [kind for kind, _ in images_of(data)] == ["/DCTDecode"]
    async with dingtalk.app[keys.STORE].transaction() as tx:
        assert (await tx.site.acceptance(1)).status == "passed"
