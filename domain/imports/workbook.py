"""Opening a spreadsheet someone sent us, safely: bytes in, the first sheet's rows (or the
problems that stop us reading it) out.

An .xlsx file is a zip archive. Before openpyxl sees it, its zip directory is read and the
uncompressed sizes it declares are added up: a "zip bomb" (a few kB that unpack to gigabytes)
is refused there, unpacked by nobody. The declared sizes are then enforced while reading
(zipfile stops at the declared size and checks the CRC), so a directory that lies cannot
smuggle more past us. What we take: one data sheet (the first), optionally the template's
notes sheet, no merged cells, no formulas (we would read a cached value that may be stale, or
none), and at most `max_rows` filled rows."""
from __future__ import annotations

import io
import zipfile
from decimal import Decimal
from dataclasses import dataclass, field
from typing import Any, Callable

MAX_FILE_BYTES = 5 * 1024 * 1024           # what we accept to download or read at all
MAX_UNPACKED_BYTES = 40 * 1024 * 1024      # all parts of the archive, uncompressed
MAX_PART_RATIO = 200                       # uncompressed / compressed of one big part
MAX_COLUMNS = 40
NOTES_SHEETS = ("说明", "notes", "填写说明")   # the template's notes sheet, ignored on import
NEEDED_PARTS = ("[Content_Types].xml", "xl/workbook.xml")


@dataclass(frozen=True)
class Problem:
    """One thing wrong: `row` as the spreadsheet numbers it (header = 1), 0 for the whole
    file; `key` a wording key (imports.*) with its params."""
    row: int
    key: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass
class Sheet:
    title: str
    rows: list[list[Any]]          # cell values as openpyxl gives them; the header is rows[0]


class Unreadable(Exception):
    def __init__(self, *problems: Problem) -> None:
        super().__init__(problems[0].key if problems else "unreadable")
        self.problems = list(problems)


def _file(key: str, **params: Any) -> Unreadable:
    return Unreadable(Problem(0, key, params))


def check_archive(data: bytes) -> None:
    """Refuse what is not an .xlsx, or would unpack to too much, before anything unpacks it."""
    if len(data) > MAX_FILE_BYTES:
        raise _file("imports.file.too_big", limit_mb=MAX_FILE_BYTES // (1024 * 1024))
    if not data.startswith(b"PK\x03\x04"):
        raise _file("imports.file.not_xlsx")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        parts = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise _file("imports.file.not_xlsx") from None
    names = {part.filename for part in parts}
    if not all(name in names for name in NEEDED_PARTS):
        raise _file("imports.file.not_xlsx")
    total = sum(part.file_size for part in parts)
    bombs = [p for p in parts if p.file_size > 1024 * 1024
             and p.file_size > MAX_PART_RATIO * max(p.compress_size, 1)]
    if total > MAX_UNPACKED_BYTES or bombs or len(parts) > 500:
        raise _file("imports.file.bomb", limit_mb=MAX_UNPACKED_BYTES // (1024 * 1024))
    if any(part.flag_bits & 0x1 for part in parts):
        raise _file("imports.file.encrypted")


def read_first_sheet(data: bytes, max_rows: Callable[[str], int]) -> Sheet:
    """The data sheet's filled rows (trailing empty rows and columns dropped); `max_rows(title)`:
    how many rows a sheet of this title may have. Raises
    Unreadable with every problem of the file as a whole, or with each formula's cell."""
    check_archive(data)
    from openpyxl import load_workbook   # only when a file comes: it is slow to import
    try:
        book = load_workbook(io.BytesIO(data), data_only=False, read_only=False)
    except Exception:   # openpyxl raises many kinds on a damaged file; all mean the same here
        raise _file("imports.file.not_xlsx") from None
    try:
        return _sheet(book, max_rows)
    finally:
        book.close()


def _sheet(book: Any, rows_for: Callable[[str], int]) -> Sheet:
    sheets = book.worksheets
    if not sheets:
        raise _file("imports.file.no_sheet")
    extra = [s.title for s in sheets[1:] if s.title.strip().lower() not in NOTES_SHEETS]
    if extra:
        raise _file("imports.file.extra_sheets", sheets="、".join(extra), first=sheets[0].title)
    sheet = sheets[0]
    max_rows = rows_for(sheet.title.strip())
    if sheet.max_row - 1 > max_rows * 2 + 100:   # the dimension alone says it is far too long
        raise _file("imports.file.too_many_rows", limit=max_rows)
    merged = [str(r) for r in sheet.merged_cells.ranges]
    if merged:
        raise _file("imports.file.merged", cells="、".join(merged[:5]), count=len(merged))
    if sheet.max_column > MAX_COLUMNS:
        raise _file("imports.file.too_many_columns", limit=MAX_COLUMNS)
    rows: list[list[Any]] = []
    formulas: list[Problem] = []
    for row in sheet.iter_rows():
        values = []
        for cell in row:
            if cell.data_type == "f":
                formulas.append(Problem(cell.row, "imports.file.formula", {"cell": cell.coordinate}))
                values.append(None)
            else:
                values.append(_shown(cell))
        rows.append(values)
    rows = _trimmed(rows)
    if formulas:
        raise Unreadable(*formulas[:20])
    if len(rows) - 1 > max_rows:
        raise _file("imports.file.too_many_rows", limit=max_rows)
    if not rows:
        raise _file("imports.file.empty")
    return Sheet(sheet.title, rows)


def _shown(cell: Any) -> Any:
    """A number formatted as a percentage reads as the percentage it shows (0.3 -> "30%")."""
    value = cell.value
    if isinstance(value, (int, float)) and not isinstance(value, bool) and "%" in (cell.number_format or ""):
        return f"{(Decimal(repr(value)) * 100).normalize():f}%"
    return value


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _trimmed(rows: list[list[Any]]) -> list[list[Any]]:
    while rows and all(_blank(v) for v in rows[-1]):
        rows.pop()
    width = max((max((i + 1 for i, v in enumerate(r) if not _blank(v)), default=0) for r in rows),
                default=0)
    return [r[:width] for r in rows]
