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
ROWS_PER_PAGE = 40
LIST_ROWS = 15
# The PDF is the summary to print or forward: the lists people act on, their first rows (the
# workbook has every list in full). Each line of text costs the PDF backend ~1 ms.
PDF_LISTS = ("missed", "overdue", "at_risk", "projects", "ranking")
FONT, SPACING = 8, 1.7
LINE = FONT * SPACING / 72 / A4[1]      # one row's height, as a fraction of the page


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


def _width(text: str) -> float:
    """Printed width in ems: a CJK character is one, a Latin one about half."""
    return sum(1.0 if ord(ch) > 0x2E80 else 0.55 for ch in text)


def _clip(text: str, ems: float) -> str:
    out, used = "", 0.0
    for ch in text:
        used += _width(ch)
        if used > ems:
            return out[:-1] + "…" if out else ""
        out += ch
    return out


def _block(page: Any, top: float, headers: Sequence[str], rows: Sequence[Sequence[str]],
           colours: Sequence[str | None] = (), title: str | None = None) -> float:
    """A table drawn as one text per column (a text per cell cost three times as much to lay
    out); rows ruled in light grey; the last column's rows coloured where `colours` says.
    Returns where the next block may start."""
    from matplotlib.lines import Line2D
    left, right, line = 0.06, 0.94, LINE
    if title:
        page.text(left, top, plain(title), fontsize=11, weight="bold", va="top")
        top -= line * 1.6
    weights = [max([_width(str(h)) for h in headers[i:i + 1]] + [min(_width(str(r[i])), 24) for r in rows]) + 1.5
               for i in range(len(headers))]
    total = sum(weights)
    xs, x = [], left
    for weight in weights:
        xs.append(x)
        x += (right - left) * weight / total
    ems = [(right - left) * w / total * A4[0] * 72 / FONT - 0.5 for w in weights]
    for i, x in enumerate(xs):
        column = [_clip(plain(str(headers[i])), ems[i])] + [_clip(plain(str(r[i])), ems[i]) for r in rows]
        if i == len(xs) - 1 and colours:
            for tone in {c for c in colours if c}:
                marked = [""] + [column[k + 1] if colours[k] == tone else "" for k in range(len(rows))]
                page.text(x, top, "\n".join(marked), fontsize=FONT, va="top", linespacing=SPACING, color=tone)
            column = [column[0]] + [column[k + 1] if not colours[k] else "" for k in range(len(rows))]
        page.text(x, top, "\n".join(column), fontsize=FONT, va="top", linespacing=SPACING)
    for k in range(len(rows) + 2):
        y = top - k * line + line * 0.25 if k else top + line * 0.25
        page.add_artist(Line2D([left, right], [y, y], color="#dee0e3", lw=0.5))
    return top - (len(rows) + 1) * line - line * 1.5


def _text(value: Any, fmt: str | None = None) -> str:
    """A list cell as the workbook shows it (its number format), as text."""
    if value is None or value is False:
        return ""
    if value is True:
        return "✓"
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
    with PdfPages(buffer, metadata={"Title": plain(title), "Creator": "sitebot"}) as document:
        for start in range(0, max(len(rows), 1), ROWS_PER_PAGE):
            page = _page(title, subtitle)
            _block(page, 0.9, headers, rows[start:start + ROWS_PER_PAGE], colours[start:start + ROWS_PER_PAGE])
            document.savefig(page)
        if chart_panels:
            page = charts.figure([replace(p, title=plain(p.title)) for p in chart_panels[:4]],
                                 width=A4[0], height=A4[1] / 4.3)
            document.savefig(page)
        page, top = None, 0.0
        for key, name, list_headers, list_rows, formats in lists(t, report, keyed=True):
            if not list_rows or key not in PDF_LISTS:
                continue
            shown = [[_text(v, formats.get(i)) for i, v in enumerate(row, start=1)] for row in list_rows[:LIST_ROWS]]
            height = (len(shown) + 4) * LINE
            if page is None or top - height < 0.05:     # lists share a page while they fit
                if page is not None:
                    document.savefig(page)
                page, top = _page(title, subtitle), 0.9
            top = _block(page, top, list_headers, shown, title=name)
        if page is not None:
            document.savefig(page)
    return buffer.getvalue()
