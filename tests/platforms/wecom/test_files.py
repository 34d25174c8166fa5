"""The import round trip through WeCom: 模板 计划 uploads the template (media/upload?type=file)
and sends it as a `file` message (to the member, and to an appchat project group); the filled
file comes back as MsgType=file with a MediaId, is fetched through media/get (its name from
Content-Disposition), previewed on a template card and imported by its 确认导入 button. An
expired MediaId (40007) gets one clear line."""
from __future__ import annotations

import io
import json

from openpyxl import load_workbook

from bot import keys
from tests.platforms.wecom.conftest import deliver, message_xml

PM = "ChenJingLi"


def fill(template: bytes, rows: list[list[str]]) -> bytes:
    book = load_workbook(io.BytesIO(template))
    sheet = book.worksheets[0]
    sheet.delete_rows(2, sheet.max_row)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def send_file(wecom, wecom_app, media_id: str, msg_id: int) -> None:
    xml = message_xml(PM, "file", wecom.clock(), msg_id, f"<MediaId><![CDATA[{media_id}]]></MediaId>")
    response = await wecom.post(xml)
    assert response.status == 200
    await deliver(wecom_app)


def cards_to(fake, user: str) -> list[dict]:  # noqa: ANN001
    return [b["template_card"] for b in fake.sent() if b["touser"] == user and b["msgtype"] == "template_card"]


def texts_to(fake, user: str) -> list[str]:  # noqa: ANN001
    return [b["text"]["content"] for b in fake.sent() if b["touser"] == user and b["msgtype"] == "text"]


def card_words(card: dict) -> str:
    parts = [card["main_title"]["title"], card["main_title"].get("desc", ""), card.get("sub_title_text", "")]
    parts += [f"{f['keyname']}: {f['value']}" for f in card.get("horizontal_content_list", [])]
    return "\n".join(parts)


async def test_template_as_a_file_message_and_the_filled_file_imported(wecom, fake_wecom, wecom_app):
    await wecom.text(PM, "模板 计划")
    await deliver(wecom_app)
    [(name, template)] = fake_wecom.sent_files()
    assert name == "sitebot-计划导入模板.xlsx"
    assert ("media/upload", {"type": "file", "id": next(iter(fake_wecom.media))}) in fake_wecom.calls
    assert load_workbook(io.BytesIO(template)).worksheets[0]["B2"].value == "基础施工"

    media_id = fake_wecom.receive_file(fill(template, [["P-001", "幕墙安装", "", "2027-05-20", "10"]]),
                                       "计划.xlsx")
    await send_file(wecom, wecom_app, media_id, 8000000000000000001)
    preview = cards_to(fake_wecom, PM)[-1]
    assert "导入预览：计划" in card_words(preview)
    keys_ = {b["text"]: b["key"] for b in preview["button_list"]}
    assert set(keys_) == {"确认导入", "取消"}
    await wecom.post(wecom.click_xml(PM, preview["task_id"], keys_["确认导入"], fake_wecom.issue_code()))
    await deliver(wecom_app)
    assert "导入完成（计划）：新建 1 项，修改 0 项，不变 0 项。" in texts_to(fake_wecom, PM)
    async with wecom_app.server.app[keys.STORE].transaction() as tx:
        project = await tx.projects.by_code("P-001")
        names = [m.name for m in await tx.projects.milestones(project.id)]
    assert names.count("幕墙安装") == 1
    again = json.loads(keys_["确认导入"])
    assert again["a"] == "import.confirm"


async def test_an_expired_media_id_gets_one_line(wecom, fake_wecom, wecom_app):
    await send_file(wecom, wecom_app, "media-expired-3-days-ago", 8000000000000000002)
    assert texts_to(fake_wecom, PM)[-1] == "没能从平台取到文件（文件已过期或无法下载），请重新发送。"


async def test_the_template_reaches_a_project_group_as_a_file(wecom, fake_wecom, wecom_app):
    await wecom.text(PM, "建群 P-001")
    [created] = fake_wecom.sent("appchat/create")
    await deliver(wecom_app)
    from handlers.chat.contract import File, Target
    adapter = wecom_app.server.app[keys.WORKER].adapters["wecom"]
    await adapter.send(Target("wecom", "chat", created["chatid"]), File("t.xlsx", b"PK\x03\x04 sheet"),
                       idempotency_key="k1", reply_to=None)
    assert fake_wecom.sent_files("appchat/send") == [("t.xlsx", b"PK\x03\x04 sheet")]
