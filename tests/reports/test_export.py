"""导出 报表 through the console: an .xlsx workbook (one sheet per area and per list, numbers
not text, frozen header rows) and a PDF, both as file messages; the card's 导出 button sends
the same two files."""
from __future__ import annotations

import base64
import io
import os
import tempfile

from fontTools.ttLib import TTFont
from openpyxl import load_workbook
from pypdf import PdfReader

from handlers.documents import pdf_common_font, pdf_font
from handlers.documents.cjk_font import find as cjk_font_file
from tests.reports.company import DM, at, money_story, say


async def files(console, user: str) -> list[tuple[str, bytes]]:
    return [(m["body"]["name"], base64.b64decode(m["body"]["data"]))
            for m in await console.bot_messages(DM, user) if m["body"]["type"] == "file"]


def pdf_pages(data: bytes) -> list[str]:
    """Each page's text as a PDF reader extracts it (a line a row, spaces between cells)."""
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages]


def embedded_fonts(data: bytes) -> list[tuple[str, bool]]:
    """(name, a subset embedded as TrueType) of each font the pages use."""
    return [font for page in PdfReader(io.BytesIO(data)).pages for font in page_fonts(page)]


def page_fonts(page) -> list[tuple[str, bool]]:  # noqa: ANN001
    out = []
    for font in (page["/Resources"].get("/Font") or {}).values():
        font = font.get_object()
        descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
        out.append((str(font["/BaseFont"]), "/FontFile2" in descriptor and "+" in str(font["/BaseFont"])))
    return out


def rows(sheet) -> dict[str, tuple]:
    return {row[0].value: tuple(c.value for c in row[1:]) for row in sheet.iter_rows(min_row=2)}


async def test_export_sends_a_workbook_and_a_pdf(company, clock, cjk_font):
    await money_story(company, clock)
    at(clock, "2026-11-02 10:00")
    await company.say("周主管", DM, "导出 报表 上月")
    assert "已导出 2 个文件" in [m["body"]["text"] for m in await company.bot_messages(DM, "周主管")
                              if m["body"]["type"] == "text"][-1]
    [(book_name, book_data), (pdf_name, pdf_data)] = await files(company, "周主管")
    assert book_name == "经营报表_全部_2026-10-01_2026-10-31.xlsx"
    assert pdf_name == "经营报表_全部_2026-10-01_2026-10-31.pdf"

    book = load_workbook(io.BytesIO(book_data))
    assert book.sheetnames[:6] == ["说明", "服务", "客户", "交付", "回款", "销售"]
    assert {"超时工单", "逾期回款", "应收账龄", "客户贡献度", "风险客户", "销售漏斗"} <= set(book.sheetnames)
    assert all(sheet.freeze_panes == "A2" for sheet in book.worksheets)
    money = rows(book["回款"])
    assert money["本期回款"][:2] == (350000, 100000)             # numbers, this month and the one before
    assert book["回款"]["B2"].number_format == "¥#,##0.00"
    assert money["回款率"][:2] == (0.462, 1.0)                   # a fraction shown as a percentage
    assert money["应收账款周转天数"][:2] == (19.1, 30.0)
    overdue = list(book["逾期回款"].iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[1], r[3], r[4]) for r in overdue] == [("P-002", "预付款", 50000, 72),
                                                         ("P-001", "进度款二", 200000, 11),
                                                         ("P-002", "进度款", 150000, 11)]
    assert rows(book["说明"])["范围"] == ("全公司",)

    assert pdf_data.startswith(b"%PDF-") and pdf_data.rstrip().endswith(b"%%EOF")
    pages = pdf_pages(pdf_data)
    assert len(pages) == 3                                      # the figures, the charts, the lists
    assert pages[0].startswith("经营报表 · 2026-10-01 至 10-31 范围：全公司 · 对比上期：2026-09-01 至 09-30")
    assert "回款 本期回款 ¥350,000.00 ¥100,000.00 ↑" in pages[0]     # the Chinese text reads back as text
    assert "回款 回款率 46.2% 100.0% ↓" in pages[0] and "销售 平均成交周期 — —" in pages[0]
    assert "工单趋势" in pages[1] and "05月 06月 07月 08月 09月 10月" in pages[1]      # the charts, drawn
    assert "应收账龄（万元） 未到期 40 逾期 1–30 天 35 逾期 31–90 天 5 逾期 90 天以上 0" in pages[1]
    assert "风险客户 客户 风险原因 满意度 最低 NPS 未关闭投诉 逾期金额 逾期天数 临江教育局 回款严重逾期" in pages[2]
    assert ("逾期回款 项目 付款节点 截止 未收金额 逾期天数 P-002 预付款 2026-08-20 ¥50,000.00 72 "
            "P-001 进度款二 2026-10-20 ¥200,000.00 11") in pages[2]
    fonts = embedded_fonts(pdf_data)
    assert fonts and all(sub for _, sub in fonts)               # the CJK font's glyphs in use, as TrueType

    # The card's button: the same two files for the same month.
    await company.say("周主管", DM, "报表 上月")
    card = await company.last_bot(DM, "周主管")
    await company.press("周主管", DM, card, "导出 Excel / PDF")
    names = [name for name, _ in await files(company, "周主管")]
    assert names == [book_name, pdf_name, book_name, pdf_name]


async def test_a_rare_character_is_drawn_and_no_font_file_is_left(company, clock, cjk_font):
    """A payment milestone named with 砼 (beyond the everyday characters' cut): its row reads
    back from the PDF, drawn in a second small font; exporting leaves no font file behind, in
    the temporary directory or in sitebot's cache."""
    await money_story(company, clock)
    assert "¥" in await say(company, "钱会计", "付款节点 P-002 砼浇筑款 10% 于 2026-10-01")
    at(clock, "2026-11-02 10:00")

    def font_files() -> set[str]:
        cache = pdf_common_font.CACHE_DIR
        return ({name for name in os.listdir(tempfile.gettempdir()) if name.startswith("sitebot-cjk")}
                | {name for name in (os.listdir(cache) if cache.exists() else []) if name.endswith(".ttf")})
    before = font_files()
    for _ in range(2):
        await company.say("周主管", DM, "导出 报表 上月")
    assert font_files() == before
    [_, (_, pdf_data), _, (_, second)] = await files(company, "周主管")
    pages = pdf_pages(pdf_data)
    assert "P-002 砼浇筑款 2026-10-01 ¥50,000.00 30" in pages[2]
    assert all(sub for _, sub in embedded_fonts(pdf_data))     # TrueType subsets, both
    assert len(page_fonts(PdfReader(io.BytesIO(pdf_data)).pages[2])) == 2     # 砼's page: two fonts
    assert pdf_pages(second) == pages


def test_the_rare_cut_is_kept_while_it_holds_the_text(cjk_font):
    """The rare characters' font is cut once and kept (as bytes, no file): text it holds reuses
    it, text with new characters (a rarer name) gets a new cut holding both (TrueType outlines)."""
    source, family = cjk_font_file()
    first = pdf_font.rare_cut(source, family, "砼")
    assert pdf_font.rare_cut(source, family, "砼") is first
    grown = pdf_font.rare_cut(source, family, "喆玥")
    assert grown is not first
    font = TTFont(io.BytesIO(grown))
    assert {ord(ch) for ch in "砼喆玥"} <= set(font.getBestCmap())
    assert "glyf" in font and "CFF " not in font
