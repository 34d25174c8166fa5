"""Through WeCom (encrypted callbacks; the fake WeCom API): 导出 报表 上月 from a member arrives in
their chat as two file messages (media/upload?type=file, then message/send msgtype=file)."""
from __future__ import annotations

import io

from openpyxl import load_workbook

from tests.platforms.wecom.conftest import deliver, fake_wecom, wecom, wecom_app  # noqa: F401 - fixtures

PM = "ChenJingLi"


async def test_export_arrives_as_two_file_messages(wecom, fake_wecom, wecom_app, cjk_font):  # noqa: F811
    await wecom.text(PM, "导出 报表 上月")
    await deliver(wecom_app)
    [(book_name, book), (pdf_name, pdf)] = fake_wecom.sent_files()
    assert book_name.endswith(".xlsx") and pdf_name.endswith(".pdf")
    assert all(b["touser"] == PM for b in fake_wecom.sent() if b["msgtype"] == "file")
    assert "回款" in load_workbook(io.BytesIO(book)).sheetnames and pdf.startswith(b"%PDF-")
