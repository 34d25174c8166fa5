"""A received file larger than one network chunk is fetched whole through media/get (aiohttp's
read(n) returns what has arrived, so one call kept it cut short), and one over the limit is
still refused with one clear line."""
from __future__ import annotations

import io

import numpy
from openpyxl import load_workbook
from openpyxl.drawing.image import Image as SheetImage
from PIL import Image

from domain.imports.workbook import MAX_FILE_BYTES
from tests.platforms.wecom.conftest import deliver
from tests.platforms.wecom.test_files import PM, card_words, cards_to, fill, send_file, texts_to


def with_screenshot(workbook: bytes) -> bytes:
    """The filled plan with a picture pasted in, as people do: ~2 MB that does not compress."""
    noise = numpy.random.default_rng(7).integers(0, 255, (800, 800, 3), dtype=numpy.uint8)
    png = io.BytesIO()
    Image.fromarray(noise).save(png, "PNG")
    book = load_workbook(io.BytesIO(workbook))
    book.worksheets[0].add_image(SheetImage(io.BytesIO(png.getvalue())), "H2")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def test_a_file_of_several_chunks_is_fetched_whole(wecom, fake_wecom, wecom_app):
    await wecom.text(PM, "模板 计划")
    await deliver(wecom_app)
    [(_, template)] = fake_wecom.sent_files()
    filled = with_screenshot(fill(template, [["P-001", "幕墙安装", "", "2027-05-20", "10"]]))
    assert 1024 * 1024 < len(filled) < MAX_FILE_BYTES
    await send_file(wecom, wecom_app, fake_wecom.receive_file(filled, "计划.xlsx"), 8000000000000000101)
    assert "导入预览：计划" in card_words(cards_to(fake_wecom, PM)[-1])


async def test_a_file_over_the_limit_is_refused(wecom, fake_wecom, wecom_app):
    media_id = fake_wecom.receive_file(b"PK\x03\x04" + b"\0" * MAX_FILE_BYTES, "计划.xlsx")
    await send_file(wecom, wecom_app, media_id, 8000000000000000102)
    assert texts_to(fake_wecom, PM)[-1] == "没能从平台取到文件（文件超过 5 MB），请重新发送。"
