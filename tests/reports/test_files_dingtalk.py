"""Through DingTalk (signed robot callbacks; the fake DingTalk): 报表 asked in the project group
goes to the asker one-to-one (the group is told so) with its chart as a markdown image served
from /media/; 导出 报表 上月 arrives there as two sampleFile robot messages (media/upload?type=file
first)."""
from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from tests.platforms.dingtalk.conftest import fake_dingtalk, start  # noqa: F401 - fixtures

PM = "chen01"


@pytest.fixture
async def dingtalk(db_url, clock, aiohttp_client, fake_dingtalk):  # noqa: F811
    return await start(db_url, clock, aiohttp_client, fake_dingtalk, oapi_url=fake_dingtalk.base_url)


async def test_export_arrives_as_two_file_messages(dingtalk, fake_dingtalk, cjk_font):  # noqa: F811
    await dingtalk.say(PM, "报表 本月")
    assert dingtalk.last_group()["text"] == "报表含经营数据，已私信发给 陈经理。"
    card = fake_dingtalk.messages_for(PM)[-1]
    assert "经营报表" in card["text"]
    [chart] = [line for line in card["text"].splitlines() if line.startswith("![")]
    response = await dingtalk.client.get("/media/" + chart.split("/media/", 1)[1].rstrip(")"))
    assert response.status == 200 and (await response.read()).startswith(b"\x89PNG")

    await dingtalk.say(PM, "导出 报表 上月")
    assert not [m for m in dingtalk.group_messages() if m["kind"] == "sampleFile"]
    files = [m for m in fake_dingtalk.messages_for(PM) if m["kind"] == "sampleFile"]
    assert [f["file_type"] for f in files] == ["xlsx", "pdf"]
    (book_name, book), (pdf_name, pdf) = [fake_dingtalk.media[f["media_id"]] for f in files]
    assert book_name.endswith(".xlsx") and pdf_name.endswith(".pdf")
    assert "交付" in load_workbook(io.BytesIO(book)).sheetnames and pdf.startswith(b"%PDF-")
