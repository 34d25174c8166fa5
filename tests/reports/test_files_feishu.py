"""Through Feishu (signed, encrypted events; the fake open platform): 报表 asked in the project
group goes to the asker's direct chat (the group is told so) as a card whose chart was uploaded
as an image (im/v1/images) and shown by its img_key; 导出 报表 上月 arrives there as two file
messages (im/v1/files: xls and pdf)."""
from __future__ import annotations

import io
import json

from openpyxl import load_workbook

from tests.platforms.feishu.conftest import SITE, fake, feishu  # noqa: F401 - fixtures

PM = "ou_chen"      # 陈经理, P-001's manager


async def test_report_card_with_its_chart_and_the_export_as_files(feishu, clock, cjk_font):  # noqa: F811
    await feishu.say(PM, SITE, "报表 本月")
    assert [m.body["text"] for m in feishu.fake.sent(SITE)][-1] == "报表含经营数据，已私信发给 陈经理。"
    assert not [m for m in feishu.fake.sent(SITE) if m.msg_type == "interactive"]
    [card] = [m for m in feishu.fake.sent(PM) if m.msg_type == "interactive"][-1:]
    keys = list(feishu.fake.images)
    assert keys and feishu.fake.images[keys[-1]].startswith(b"\x89PNG")
    assert keys[-1] in json.dumps(card.body)                  # the card shows the uploaded chart
    assert "经营报表" in json.dumps(card.body, ensure_ascii=False)

    await feishu.say(PM, SITE, "导出 报表 上月")
    clock.advance(seconds=1)        # Feishu takes 5 messages a second per person: the last one waits
    await feishu.deliver()
    assert feishu.fake.sent_files(SITE) == []
    [(book_name, book), (pdf_name, pdf)] = feishu.fake.sent_files(PM)
    assert book_name.endswith(".xlsx") and pdf_name.endswith(".pdf")
    assert [t for t, _, _ in feishu.fake.files.values()] == ["xls", "pdf"]
    assert "服务" in load_workbook(io.BytesIO(book)).sheetnames and pdf.startswith(b"%PDF-")
