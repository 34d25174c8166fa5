"""报表 through WeCom (encrypted callbacks; the fake WeCom API): template cards carry no pictures,
so the report card is followed by its chart as an image message (media/upload type=image,
then message/send msgtype=image) — once, not again when the card changes."""
from __future__ import annotations

from bot import keys
from tests.platforms.wecom.conftest import deliver, fake_wecom, wecom, wecom_app  # noqa: F401 - fixtures

PM = "ChenJingLi"


async def test_the_report_card_is_followed_by_its_chart(wecom, fake_wecom, wecom_app, cjk_font):  # noqa: F811
    await wecom.text(PM, "报表 上月")
    await deliver(wecom_app)
    sent = [b for b in fake_wecom.sent() if b["touser"] == PM]
    assert [b["msgtype"] for b in sent] == ["template_card", "image"]     # the card, then its chart
    assert "报表" in sent[0]["template_card"]["main_title"]["title"]
    [(member, picture)] = fake_wecom.sent_images()
    assert member == PM and picture.startswith(b"\x89PNG\r\n\x1a\n")
    kept = [p.read_bytes() for p in wecom_app.server.app[keys.MEDIA].root.glob("*.png")]
    assert kept == [picture]                                              # the chart the card was drawn with

    await wecom.text(PM, "帮助")                                           # nothing else brings it again
    await deliver(wecom_app)
    assert len(fake_wecom.sent_images()) == 1
