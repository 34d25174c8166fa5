"""The file round trip on the console, from an empty database: 模板 计划 sends the template as a
file message; the user fills it in and uploads it; the preview card says what will be created
and each bad row; 确认导入 writes it all (once: pressed again, nothing more), 取消 drops it."""
from __future__ import annotations

import base64
import io

import aiohttp
from openpyxl import load_workbook

from tests.console_driver import card_text
from tests.imports.sheets import zip_bomb
from tests.imports.conftest import ADMIN

DM = "dm"


def fill(template: bytes, rows: list[list[str]]) -> bytes:
    """What a user does in Excel: delete the example rows, type theirs, save."""
    book = load_workbook(io.BytesIO(template))
    sheet = book.worksheets[0]
    sheet.delete_rows(2, sheet.max_row)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def send_file(console, data: bytes, name: str = "计划.xlsx") -> None:
    form = aiohttp.FormData()
    form.add_field("file", data, filename=name,
                   content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response = await console.client.post("/console/api/upload", data=form)
    assert response.status == 200, await response.text()
    kept = await response.json()
    assert kept["ref"].startswith("/media/files/") and kept["name"] == name
    response = await console.client.post("/console/api/messages", json={
        "user": ADMIN, "chat": DM, "text": "", "attachments": [
            {"kind": "file", "ref": kept["ref"], "name": kept["name"]}]})
    assert response.status == 200, await response.text()
    await console.deliver()


async def template(console, kind: str = "计划") -> bytes:
    await console.say(ADMIN, DM, f"模板 {kind}")
    messages = await console.bot_messages(DM, ADMIN)
    file = next(m for m in reversed(messages) if m["body"]["type"] == "file")
    assert file["body"]["name"].endswith(".xlsx")
    return base64.b64decode(file["body"]["data"])


async def test_template_filled_previewed_imported_once(blank):
    console = blank
    await console.say(ADMIN, DM, "项目 新建 滨江花园5号楼")
    data = await template(console)
    book = load_workbook(io.BytesIO(data))
    assert [s.title for s in book.worksheets] == ["计划", "说明"]
    assert [c.value for c in book.worksheets[0][1]] == ["项目编号", "节点名称", "计划开始", "计划完成", "权重"]
    assert book.worksheets[0]["B2"].value == "基础施工"            # a filled example row
    assert "已发送模板「sitebot-计划导入模板.xlsx」" in await console.last_text(DM, ADMIN)

    await send_file(console, fill(data, [["P-001", "基础施工", "2026-12-01", "2027-01-20", "40"],
                                         ["P-001", "主体结构封顶", "", "2027-03-25", "60"]]))
    card = await console.last_bot(DM, ADMIN)
    text = card_text(card["body"])
    assert "导入预览：计划" in text and "新建 2 项 · 修改 0 项 · 不变 0 项" in text
    assert "第 2 行：新建节点：P-001 基础施工（计划完成 2027-01-20，权重 40）" in text
    await console.say(ADMIN, DM, "节点 P-001")
    assert "基础施工" not in await console.last_text(DM, ADMIN)     # the preview wrote nothing

    answer = await console.press(ADMIN, DM, card, "确认导入")
    assert answer["toast"]["text"] == "导入完成（计划）：新建 2 项，修改 0 项，不变 0 项。"
    redrawn = next(m for m in await console.bot_messages(DM, ADMIN) if m["id"] == card["id"])
    assert "已导入：计划" in card_text(redrawn["body"]) and not redrawn["body"]["actions"]
    again = await console.press(ADMIN, DM, card, "确认导入")       # the stale button, pressed again
    assert again["toast"]["text"] == "这个文件已经导入过了，没有再导一次。"
    await console.say(ADMIN, DM, "节点 P-001")
    plan = await console.last_text(DM, ADMIN)
    assert plan.count("基础施工") == 1 and "主体结构封顶" in plan


async def test_bad_rows_are_listed_and_nothing_can_be_confirmed(blank):
    console = blank
    await console.say(ADMIN, DM, "项目 新建 滨江花园5号楼")
    data = await template(console)
    await send_file(console, fill(data, [["P-001", "基础施工", "", "2027-01-20", "40"],
                                         ["P-001", "主体结构封顶", "", "三月底", "60"],
                                         ["P-007", "装修", "", "2027-06-01", "10"],
                                         ["P-001", "验收", "", "2027-08-01", "150"],
                                         ["P-001", "交付", "", "2027-09-01", "10"]]))
    card = (await console.last_bot(DM, ADMIN))["body"]
    text = card_text(card)
    assert "无法导入：计划" in text and "3 处问题" in text
    assert "第 3 行：计划完成「三月底」不是日期（写成 2026-12-01）。" in text
    assert "第 4 行：" in text and "P-007" in text                  # no such project
    assert "第 5 行：权重「150」应为 0–100 的整数。" in text
    assert "第 6 行：新建节点" in text and card["actions"] == []
    await console.say(ADMIN, DM, "节点 P-001")
    assert "基础施工" not in await console.last_text(DM, ADMIN)


async def test_cancel_drops_it_and_a_cancelled_import_cannot_be_confirmed(blank):
    console = blank
    await console.say(ADMIN, DM, "项目 新建 滨江花园5号楼")
    data = await template(console)
    await send_file(console, fill(data, [["P-001", "基础施工", "", "2027-01-20", "40"]]))
    card = await console.last_bot(DM, ADMIN)
    answer = await console.press(ADMIN, DM, card, "取消")
    assert answer["toast"]["text"] == "已取消导入「计划」，没有写入任何数据。"
    again = await console.press(ADMIN, DM, card, "确认导入")
    assert again["toast"]["text"] == "这次导入已经取消了，要导入请重新发送文件。"
    await console.say(ADMIN, DM, "节点 P-001")
    assert "基础施工" not in await console.last_text(DM, ADMIN)


async def test_files_that_are_not_sheets_get_one_clear_line(blank):
    console = blank
    await send_file(console, b"%PDF-1.7 a drawing, renamed", "图纸.xlsx")
    assert await console.last_text(DM, ADMIN) == (
        "导入失败：有 1 处问题，没有导入任何数据。\n"
        "文件：这不是 .xlsx 表格文件（或文件已损坏）。请用 Excel/WPS 另存为 .xlsx 后再发。")
    await send_file(console, zip_bomb(100), "炸弹.xlsx")
    assert "文件解压后超过 40 MB（或内部结构异常），已拒绝，没有打开它。" in await console.last_text(DM, ADMIN)


async def test_contract_people_and_customers_from_chat(blank):
    console = blank
    await console.say(ADMIN, DM, "项目 新建 滨江花园5号楼")
    await console.say(ADMIN, DM, "节点 添加 P-001 主体结构封顶 计划 2027-03-25 权重 100")
    contract = await template(console, "合同")
    await send_file(console, fill(contract, [
        ["P-001", "HT-2026-001", "1280万", "2026-11-20", "预付款", "10%", "2026-12-10", "", ""],
        ["P-001", "HT-2026-001", "", "", "进度款", "30%", "", "主体结构封顶", "30"],
        ["P-001", "HT-2026-001", "", "", "结算款", "70%", "2027-12-31", "", ""]]), "合同.xlsx")
    card = await console.last_bot(DM, ADMIN)
    text = card_text(card["body"])
    assert "无法导入：合同与付款节点" in text and "第 4 行：付款节点合计将达" in text
    await send_file(console, fill(contract, [
        ["P-001", "HT-2026-001", "1280万", "2026-11-20", "预付款", "10%", "2026-12-10", "", ""],
        ["P-001", "HT-2026-001", "", "", "进度款", "30%", "", "主体结构封顶", "30"]]), "合同.xlsx")
    card = await console.last_bot(DM, ADMIN)
    assert (await console.press(ADMIN, DM, card, "确认导入"))["toast"]["kind"] == "success"
    await console.say(ADMIN, DM, "合同 P-001")
    shown = await console.last_text(DM, ADMIN)
    assert "HT-2026-001" in shown and "进度款" in shown

    people = await template(console, "人员")
    await send_file(console, fill(people, [["陈经理", "项目经理", "P-001", "console:陈经理"],
                                           ["钱会计", "财务", "全公司", "console:钱会计"],
                                           ["无名氏", "施工员", "P-001", ""]]), "人员.xlsx")
    text = card_text((await console.last_bot(DM, ADMIN))["body"])
    assert "第 4 行：找不到「无名氏」" in text
    await console.say(ADMIN, DM, "角色")
    assert "钱会计" not in await console.last_text(DM, ADMIN)        # nothing was written

    customers = await template(console, "客户")
    await send_file(console, fill(customers, [["星河置业有限公司", "开发商类", "A", "", "", "", "", "刘总",
                                               "总经理", "13800000000", "", ""]]), "客户.xlsx")
    card = await console.last_bot(DM, ADMIN)
    assert "新建客户：星河置业有限公司（联系人 1 位）" in card_text(card["body"])
    assert (await console.press(ADMIN, DM, card, "确认导入"))["toast"]["kind"] == "success"
