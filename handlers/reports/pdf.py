"""The report as a PDF (fpdf2; A4 portrait): the figures beside the previous period, the charts
(drawn as shapes, handlers/reports/pdf_charts.py), and the first rows of each drill-down list.

Text is real text in embedded TrueType cuts of the CJK font, so it can be searched and copied:
the everyday characters' cut made by `make`, and a small one of any others (a customer's 喆),
drawn as runs (handlers/documents/pdf_text.py, as the acceptance record's): cutting what each
file needed meant a new cut (~0.3-0.6 s) whenever a new name came. It was drawn with
matplotlib's PDF backend as Type 3 glyphs: each line cost ~1 ms to lay out there, a report
~1 s; here the whole file costs ~0.1 s."""
from __future__ import annotations

from dataclasses import replace
from typing import Any, Callable, Sequence

from domain.reports.figures import FIGURES, figures
from domain.reports.report import Report
from handlers.documents import cjk_font, pdf_text
from handlers.documents.pdf_text import Fonts, Writer
from handlers.reports import charts, pdf_charts
from handlers.reports.format import mark, value_text
from handlers.reports.workbook import lists

Translate = Callable[..., str]
WIDTH, HEIGHT = 210.0, 297.0           # mm
LEFT, RIGHT, TOP, BOTTOM = 12.6, 197.4, 29.7, 282.0
ROWS_PER_PAGE = 50                     # the figures fit one page
LIST_ROWS = 15
# The PDF is the summary to print or forward: the lists people act on, their first rows (the
# workbook has every list in full).
PDF_LISTS = ("missed", "overdue", "at_risk", "projects", "ranking")
FONT, SPACING = 8, 1.7
EM = FONT * 25.4 / 72                  # one em of the table's text, in mm
LINE = EM * SPACING                    # one row's height, in mm
CHARTS = 4                             # panels on the charts' page
GOOD, BAD, GREY, RULE = "#1a9c3a", "#d83931", "#646a73", "#dee0e3"


def plain(text: str) -> str:
    """Without emoji (no font in the PDF has them): the card's 📊 🟢 🔴 ⚠️ go."""
    return "".join(ch for ch in text if ord(ch) <= 0xFFFF and ch not in "\u26a0\ufe0f").strip()


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


class Table:
    """A table laid out in columns as wide as their text, clipped to fit the page."""

    def __init__(self, headers: Sequence[str], rows: Sequence[Sequence[str]],
                 colours: Sequence[str | None] = (), title: str | None = None) -> None:
        weights = [max([_width(str(headers[i]))] + [min(_width(str(r[i])), 24) for r in rows]) + 1.5
                   for i in range(len(headers))]
        total, x = sum(weights), LEFT
        self.xs: list[float] = []
        for weight in weights:
            self.xs.append(x)
            x += (RIGHT - LEFT) * weight / total
        ems = [(RIGHT - LEFT) * w / total / EM - 0.5 for w in weights]
        self.cells = [[_clip(plain(str(v)), ems[i]) for i, v in enumerate(row)] for row in [headers, *rows]]
        self.colours, self.title = list(colours), plain(title) if title else None

    @property
    def height(self) -> float:
        return (len(self.cells) + (1.6 if self.title else 0)) * LINE + LINE * 1.5

    def characters(self) -> set[str]:
        return {ch for row in self.cells for cell in row for ch in cell} | set(self.title or "")

    def draw(self, w: Writer, top: float) -> float:
        """Draws from `top` (mm); where the next block may start."""
        doc = w.doc
        if self.title:
            _bold(w, LEFT, top + EM * 1.4, self.title, 11)
            top += LINE * 1.6
        w.set_size(FONT)
        doc.set_draw_color(RULE)
        doc.set_line_width(0.18)
        for k, row in enumerate(self.cells):
            y = top + k * LINE
            doc.line(LEFT, y, RIGHT, y)
            colour = self.colours[k - 1] if k and k - 1 < len(self.colours) else None
            for i, (x, cell) in enumerate(zip(self.xs, row)):
                if not cell:
                    continue
                if colour and i == len(row) - 1:
                    doc.set_text_color(colour)
                w.text(x, y + LINE * 0.68, cell)
                if colour and i == len(row) - 1:
                    doc.set_text_color(0)
        doc.line(LEFT, top + len(self.cells) * LINE, RIGHT, top + len(self.cells) * LINE)
        return top + len(self.cells) * LINE + LINE * 1.5


def _bold(w: Writer, x: float, y: float, text: str, size: float) -> None:
    """The font has no bold face: the outline stroked as well as filled (in a context of its
    own: the text mode would otherwise stay on for the rest of the page)."""
    w.set_size(size)
    with w.doc.local_context(text_mode="FILL_STROKE", line_width=size * 0.012, draw_color=0):
        w.text(x, y, text)


def pdf(t: Translate, report: Report, title: str, subtitle: str,
        chart_panels: Sequence[charts.Panel]) -> bytes | None:
    """None without a CJK font (the text would be empty boxes)."""
    if cjk_font.find() is None:
        return None
    rows, colours = [], []
    for area in FIGURES:
        for figure in figures(report, area):
            unit = figure.definition.unit
            rows.append((t(f"reports.area.{area}"), t(f"reports.figure.{figure.key}"),
                         value_text(t, unit, figure.now), value_text(t, unit, figure.before),
                         mark(figure, colour=False)))
            colours.append({True: GOOD, False: BAD}.get(figure.good))
    headers = [t(f"reports.sheet.{k}") for k in ("area", "figure", "now", "before", "change")]
    tables = [Table(headers, rows[start:start + ROWS_PER_PAGE], colours[start:start + ROWS_PER_PAGE])
              for start in range(0, max(len(rows), 1), ROWS_PER_PAGE)]
    listed = [Table(list_headers, [[_text(v, formats.get(i)) for i, v in enumerate(row, start=1)]
                                   for row in list_rows[:LIST_ROWS]], title=name)
              for key, name, list_headers, list_rows, formats in lists(t, report, keyed=True)
              if list_rows and key in PDF_LISTS]
    title, subtitle = plain(title), plain(subtitle)
    drawn = [replace(p, title=plain(p.title)) for p in chart_panels[:CHARTS]]
    used = (set(title) | set(subtitle) | {ch for table in (*tables, *listed) for ch in table.characters()}
            | pdf_charts.texts(drawn))
    fonts = pdf_text.fonts(used)
    return None if fonts is None else _document(fonts, title, subtitle, tables, listed, drawn)


def _document(fonts: Fonts, title: str, subtitle: str, tables: list[Table], listed: list[Table],
              drawn: Sequence[charts.Panel]) -> bytes:
    from fpdf import FPDF
    doc = FPDF(orientation="portrait", unit="mm", format="A4")
    doc.set_auto_page_break(False)
    w = Writer(doc, fonts)
    w.set_size(FONT)
    doc.set_title(title)
    doc.set_creator("sitebot")

    def page() -> float:
        doc.add_page()
        _bold(w, LEFT, 14.5, title, 15)
        w.set_size(9)
        doc.set_text_color(GREY)
        w.text(LEFT, 21.5, subtitle)
        doc.set_text_color(0)
        return TOP
    for table in tables:
        table.draw(w, page())
    if drawn:
        start = page()
        pdf_charts.draw(w, drawn, start, LEFT, RIGHT, (BOTTOM - start) / CHARTS)
    top = None
    for table in listed:                      # lists share a page while they fit
        if top is None or top + table.height > BOTTOM:
            top = page()
        top = table.draw(w, top)
    return bytes(doc.output())
