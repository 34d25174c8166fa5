"""Writing the sheets: a template (the header, example rows, a notes sheet) or an export (the
same header with what the database holds), as .xlsx bytes. Every cell is written as text, so
an amount, a phone number or a contract number is never turned into a float by Excel and an
export reads back exactly (importing an export changes nothing)."""
from __future__ import annotations

import io
from typing import Any, Iterable

from domain.imports.schema import Kind

NOTES_TITLE = "说明"


def workbook_bytes(kind: Kind, rows: Iterable[Iterable[Any]], notes: list[str] | None = None) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = kind.sheet
    sheet.append(kind.headers())
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    for row in rows:
        sheet.append(["" if v is None else str(v) for v in row])
    for index, column in enumerate(kind.columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
        for cell in sheet[get_column_letter(index)]:
            cell.number_format = "@"   # text: what is typed stays as typed
    sheet.freeze_panes = "A2"
    if notes:
        page = book.create_sheet(NOTES_TITLE)
        page.column_dimensions["A"].width = 100
        for line in notes:
            page.append([line])
        page["A1"].font = Font(bold=True)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
