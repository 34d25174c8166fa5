"""The import round trip through Feishu: 模板 计划 uploads the template (im/v1/files) and sends
it as a `file` message; the filled-in file comes back as a `file` message event (signed and
encrypted), is downloaded through the message resource API, previewed on a card, and 确认导入
imports it. A file Feishu will not give us, or one that is too large, gets one clear line."""
from __future__ import annotations

import io
import json

from openpyxl import load_workbook

from bot import keys

from tests.platforms.feishu.conftest import SITE
from tests.platforms.feishu.driver import buttons, card_texts, message_event

PM = "ou_chen"      # 陈经理, P-001's manager


def fill(template: bytes, rows: list[list[str]]) -> bytes:
    book = load_workbook(io.BytesIO(template))
    sheet = book.worksheets[0]
    sheet.delete_rows(2, sheet.max_row)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def send_file(feishu, data: bytes | None, name: str = "计划.xlsx", key: str = "file_v3_user01") -> str:
    """A person sends a file into the P-001 group; Feishu keeps it as the message's resource."""
    event = message_event(PM, SITE, {"file_key": key, "file_name": name}, message_type="file")
    message_id = event["event"]["message"]["message_id"]
    if data is not None:
        feishu.fake.resources[(message_id, key)] = (data, "application/octet-stream")
    feishu.fake.receive(message_id, SITE, PM)
    response = await feishu.post(event)
    assert response.status == 200, await response.text()
    await feishu.deliver()
    return message_id


def last_text(feishu) -> str:
    text = [m for m in feishu.fake.sent(SITE) if m.msg_type == "text"]
    return text[-1].body["text"]


async def test_template_out_as_a_file_and_the_filled_file_back_in(feishu):
    await feishu.say(PM, SITE, "模板 计划")
    [(name, template)] = feishu.fake.sent_files(SITE)
    assert name == "sitebot-计划导入模板.xlsx"
    assert feishu.fake.files[next(iter(feishu.fake.files))][0] == "xls"
    book = load_workbook(io.BytesIO(template))
    assert [s.title for s in book.worksheets] == ["计划", "说明"]
    assert book.worksheets[0]["A2"].value == "P-001"          # the group's project, filled in

    filled = fill(template, [["", "幕墙安装", "2027-04-01", "2027-05-20", "10"],
                             ["", "室外总体", "", "2027-06-30", "5"]])
    message_id = await send_file(feishu, filled)
    assert ("GET", f"/open-apis/im/v1/messages/{message_id}/resources/file_v3_user01") in feishu.fake.calls
    preview = feishu.cards(SITE)[-1]
    text = card_texts(preview.body)
    assert "导入预览：计划" in text and "新建节点：P-001 幕墙安装（计划完成 2027-05-20，权重 10）" in text
    assert preview.parent_id == message_id                      # answered in reply to the file

    answer = await feishu.click(PM, SITE, preview.message_id, buttons(preview.body)["确认导入"])
    assert answer["toast"] == {"type": "success",
                               "content": "导入完成（计划）：新建 2 项，修改 0 项，不变 0 项。"}
    assert "已导入：计划" in card_texts(answer["card"]["data"])
    again = await feishu.click(PM, SITE, preview.message_id, buttons(preview.body)["确认导入"])
    assert again["toast"]["content"] == "这个文件已经导入过了，没有再导一次。"
    async with feishu.app[keys.STORE].transaction() as tx:
        project = await tx.projects.by_code("P-001")
        names = [m.name for m in await tx.projects.milestones(project.id)]
    assert names[-2:] == ["幕墙安装", "室外总体"] and names.count("幕墙安装") == 1


async def test_a_file_feishu_no_longer_has_or_that_is_too_big_gets_one_line(feishu):
    await send_file(feishu, None, key="file_v3_gone")          # Feishu: 234003 File not in msg
    assert last_text(feishu) == "没能从平台取到文件「计划.xlsx」（文件已过期或无法下载），请重新发送。"
    await send_file(feishu, b"PK\x03\x04" + b"\0" * (6 * 1024 * 1024), key="file_v3_big")
    assert last_text(feishu) == "没能从平台取到文件「计划.xlsx」（文件超过 5 MB），请重新发送。"
    before = len(feishu.fake.calls)
    await send_file(feishu, b"%PDF", name="图纸.pdf", key="file_v3_pdf")   # not a sheet: not fetched
    assert not any("/resources/" in path for _, path in feishu.fake.calls[before:])


async def test_the_fake_refuses_an_empty_upload_like_feishu():
    from bot.delivery.ports import PermanentError
    from bot.feishu.api import FeishuApi
    from bot.feishu.config import FeishuConfig
    from tests.platforms.feishu.driver import APP_ID, APP_SECRET
    from tests.platforms.feishu.fake_open_platform import FakeFeishu

    fake = FakeFeishu(APP_ID, APP_SECRET)
    await fake.start()
    api = FeishuApi(FeishuConfig.from_settings({"app_id": APP_ID, "app_secret": APP_SECRET,
                                                "verification_token": "v", "base_url": fake.base_url}))
    try:
        try:
            await api.upload_file("empty.xlsx", b"", "xls")
            raise AssertionError("an empty file was taken")
        except PermanentError as error:
            assert "234010" in str(error)
        key = await api.upload_file("t.xlsx", b"PK..", "xls")
        assert json.loads(json.dumps({"file_key": key}))["file_key"].startswith("file_v3_")
    finally:
        await api.close()
        await fake.stop()


async def test_a_spreadsheet_shared_in_the_group_that_is_none_of_ours_gets_no_answer(feishu):
    from tests.imports.sheets import xlsx
    before = len(feishu.fake.sent(SITE))
    await send_file(feishu, xlsx([["材料", "数量"], ["钢筋", "20吨"]], title="Sheet1"), name="材料单.xlsx",
                    key="file_v3_materials")
    assert len(feishu.fake.sent(SITE)) == before
    await send_file(feishu, b"%PDF renamed", name="报价.xlsx", key="file_v3_pdf2")
    assert len(feishu.fake.sent(SITE)) == before
