"""The import round trip through DingTalk: 模板 计划 uploads the template (media/upload?type=file)
and sends it as a `sampleFile` robot message (a sessionWebhook cannot carry files); the filled
file comes back as a robot `file` message (downloadCode, fileName), is fetched through
robot/messageFiles/download, previewed on a card, and its 确认导入 button imports it. An
expired download code gets one clear line."""
from __future__ import annotations

import copy
import io

import pytest
from openpyxl import load_workbook

from bot import keys
from tests.platforms.dingtalk.conftest import start
from tests.platforms.dingtalk.driver import signed_headers

PM = "chen01"    # 陈经理, P-001's manager


@pytest.fixture
async def dingtalk(db_url, clock, aiohttp_client, fake_dingtalk):  # noqa: ANN001, ANN201
    """The DingTalk app with the server API (media/upload) on the fake too."""
    return await start(db_url, clock, aiohttp_client, fake_dingtalk, oapi_url=fake_dingtalk.base_url)


def fill(template: bytes, rows: list[list[str]]) -> bytes:
    book = load_workbook(io.BytesIO(template))
    sheet = book.worksheets[0]
    sheet.delete_rows(2, sheet.max_row)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def send_file(dingtalk, code: str, name: str = "计划.xlsx") -> None:
    body = dingtalk.payload(PM, "")
    body = copy.deepcopy(body)
    body.pop("text")
    body.update(msgtype="file", content={"downloadCode": code, "fileName": name})
    response = await dingtalk.post(body, headers=signed_headers(dingtalk.now_ms()))
    assert response.status == 200, await response.text()
    await dingtalk.deliver()


async def test_template_as_a_file_message_and_the_filled_file_imported(dingtalk, fake_dingtalk):
    await dingtalk.say(PM, "模板 计划")
    [file] = [m for m in dingtalk.group_messages() if m["kind"] == "sampleFile"]
    assert file["via"] == "openapi" and file["text"] == "sitebot-计划导入模板.xlsx"
    assert file["file_type"] == "xlsx"
    name, template = fake_dingtalk.media[file["media_id"]]
    assert name == "sitebot-计划导入模板.xlsx"
    assert load_workbook(io.BytesIO(template)).worksheets[0]["A2"].value == "P-001"

    fake_dingtalk.files["dl-code-1"] = (fill(template, [["", "幕墙安装", "", "2027-05-20", "10"]]),
                                        "application/octet-stream")
    await send_file(dingtalk, "dl-code-1")
    preview = dingtalk.last_group()
    assert "导入预览：计划" in preview["text"] and "新建节点：P-001 幕墙安装" in preview["text"]
    assert set(preview["buttons"]) == {"确认导入", "取消"}
    await dingtalk.press(PM, preview, "确认导入")
    assert any("导入完成（计划）：新建 1 项" in m["text"] for m in dingtalk.group_messages())
    async with dingtalk.app[keys.STORE].transaction() as tx:
        project = await tx.projects.by_code("P-001")
        names = [m.name for m in await tx.projects.milestones(project.id)]
    assert names.count("幕墙安装") == 1
    await dingtalk.press(PM, preview, "确认导入")                 # pressed again: nothing more
    # DingTalk has no toasts: a warning goes to the presser alone (issue 16)
    assert dingtalk.fake.messages_for(PM)[-1]["text"] == "这个文件已经导入过了，没有再导一次。"
    assert not any("已经导入过了" in m["text"] for m in dingtalk.group_messages())
    async with dingtalk.app[keys.STORE].transaction() as tx:
        assert [m.name for m in await tx.projects.milestones(project.id)].count("幕墙安装") == 1


async def test_an_expired_download_code_gets_one_line(dingtalk, fake_dingtalk):
    await send_file(dingtalk, "dl-code-expired")
    assert dingtalk.last_group()["text"] == "没能从平台取到文件「计划.xlsx」（文件已过期或无法下载），请重新发送。"
