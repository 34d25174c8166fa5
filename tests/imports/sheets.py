"""Spreadsheets as a user could make them (openpyxl, like Excel/WPS write them), for the tests."""
from __future__ import annotations

import io
import zipfile
from typing import Any

from openpyxl import Workbook, load_workbook

from domain.imports.schema import KINDS
from domain.imports.template import workbook_bytes


def xlsx(rows: list[list[Any]], *, title: str = "计划", more_sheets: tuple[str, ...] = (),
         merge: str | None = None) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    if merge:
        sheet.merge_cells(merge)
    for name in more_sheets:
        book.create_sheet(name).append(["x"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def filled(kind: str, rows: list[list[Any]]) -> bytes:
    """The template as sitebot sends it, with the example rows replaced by `rows` (a user
    filling it in): the notes sheet is kept."""
    book = load_workbook(io.BytesIO(workbook_bytes(KINDS[kind], [], ["说明"])))
    sheet = book.worksheets[0]
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def zip_bomb(unpacked_mb: int = 200) -> bytes:
    """A "spreadsheet" of a few hundred kB whose one part unpacks to `unpacked_mb` MB."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            block = b"\0" * (1024 * 1024)
            for _ in range(unpacked_mb):
                part.write(block)
    return out.getvalue()
