"""The report as a PDF (matplotlib's PDF backend, the CJK font embedded as Type 3 glyphs, so
the file stays small): the figures beside the previous period, the charts, and the first rows
of each drill-down list. A4 portrait."""
from __future__ import annotations

import io
from dataclasses import replace
from typing import Any, Callable, Sequence

from domain.reports.figures import FIGURES, figures
from domain.reports.report import Report
from handlers.reports import charts
from handlers.reports.format import mark, value_text
from handlers.reports.workbook import lists

Translate = Callable[..., str]
A4 = (8.27, 11.69)
ROWS_PER_PAGE = 34
LIST_ROWS = 30


GOOD, BAD = "#1a9c3a", "#d83931"


def plain(text: str) -> str:
    """Without emoji (no font in the PDF has them): the card's 📊 🟢 🔴 ⚠️ go."""
    return "".join(ch for ch in text if ord(ch) <= 0xFFFF and ch not in "\u26a0\ufe0f").strip()


def _page(title: str, subtitle: str) -> Any:
    from matplotlib.figure import Figure
    page = Figure(figsize=A4)
    page.text(0.06, 0.96, plain(title), fontsize=15, weight="bold")
    page.text(0.06, 0.935, plain(subtitle), fontsize=9, color="#646a73")
    return page


def _table(page: Any, headers: Sequence[str], rows: Sequence[Sequence[str]], top: float = 0.9,
           colours: Sequence[str | None] = ()) -> None:
    ax = page.add_axes((0.06, 0.05, 0.88, top - 0.05))
    ax.axis("off")
    if not rows:
        return
    table = ax.table(cellText=[list(r) for r in rows], colLabels=list(headers), loc="upper left",
                     cellLoc="left", colLoc="left")
    table.auto_set_font_size(False)
    table.set_fontsize(8)
    table.scale(1, 1.25)
    for (row, column), cell in table.get_celld().items():
        cell.set_edgecolor("#dee0e3")
        if row == 0:
            cell.set_facecolor("#f2f3f5")
        elif column == len(headers) - 1 and row - 1 < len(colours) and colours[row - 1]:
            cell.get_text().set_color(colours[row - 1])


def _text(value: Any, fmt: str | None = None) -> str:
    """A list cell as the workbook shows it (its number format), as text."""
    if value is None:
        return ""
    if fmt == "0.0%" and isinstance(value, (int, float)):
        return f"{value * 100:.1f}%"
    if fmt and fmt.startswith("¥") and isinstance(value, (int, float)):
        return f"¥{value:,.2f}"
    if hasattr(value, "strftime"):
        return value.strftime("%Y-%m-%d %H:%M") if hasattr(value, "hour") else value.isoformat()
    if isinstance(value, float):
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    return str(value)[:40]


def pdf(t: Translate, report: Report, title: str, subtitle: str,
        chart_panels: Sequence[charts.Panel]) -> bytes | None:
    """None without a CJK font (the text would be empty boxes)."""
    if not charts.available():
        return None
    from matplotlib.backends.backend_pdf import PdfPages
    rows, colours = [], []
    for area in FIGURES:
        for figure in figures(report, area):
            unit = figure.definition.unit
            rows.append((t(f"reports.area.{area}"), t(f"reports.figure.{figure.key}"),
                         value_text(t, unit, figure.now), value_text(t, unit, figure.before),
                         mark(figure, colour=False)))
            colours.append({True: GOOD, False: BAD}.get(figure.good))
    headers = [t(f"reports.sheet.{k}") for k in ("area", "figure", "now", "before", "change")]
    buffer = io.BytesIO()
    with PdfPages(buffer, metadata={"Title": title, "Creator": "sitebot"}) as document:
        for start in range(0, max(len(rows), 1), ROWS_PER_PAGE):
            page = _page(title, subtitle)
            _table(page, headers, rows[start:start + ROWS_PER_PAGE], colours=colours[start:start + ROWS_PER_PAGE])
            document.savefig(page)
        if chart_panels:
            page = charts.figure([replace(p, title=plain(p.title)) for p in chart_panels[:4]],
                                 width=A4[0], height=A4[1] / 4.3)
            document.savefig(page)
        for name, list_headers, list_rows, formats in lists(t, report):
            if list_rows:
                page = _page(name, subtitle)
                _table(page, list_headers, [[_text(v, formats.get(i)) for i, v in enumerate(row, start=1)]
                                            for row in list_rows[:LIST_ROWS]])
                document.savefig(page)
    return buffer.getvalue()
