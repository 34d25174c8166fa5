"""The report as an Excel workbook (XlsxWriter): a sheet of notes, one sheet per area with each
figure beside the previous period, and one sheet per list (tickets that missed their SLA,
overdue payments, customers, projects …). Cells hold numbers, not text — percentages as
fractions shown as %, money as yuan shown as ¥ — and every sheet's header row is frozen.

XlsxWriter writes each cell straight into the sheet's XML: openpyxl (write-only mode, through
lxml) took ~0.26 s for a year of a 200-project company, most of it making a cell object per
value; this takes about a third of that."""
from __future__ import annotations

import io
from decimal import Decimal
from typing import Any, Callable, Sequence

from domain.reports.figures import FIGURES, figures
from domain.reports.report import Report

Translate = Callable[..., str]
SHEET_ROWS = 2000
FORMATS = {"percent": "0.0%", "money": "¥#,##0.00", "hours": "0.00", "days": "0.0", "score": "0.00",
           "count": "0.##", "nps": "+0;-0;0"}
# What people typed (ticket titles, names) stays text: never a formula nor a link.
OPTIONS = {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
           "nan_inf_to_errors": True}


def _number(unit: str, value: Any) -> Any:
    if value is None:
        return None
    if unit == "percent":
        return float(value) / 100
    if isinstance(value, Decimal):
        return float(value)   # money is exact to the fen at this size
    return value


class Book:
    """An XlsxWriter workbook and its cell formats, one per number format."""

    def __init__(self, buffer: io.BytesIO) -> None:
        import xlsxwriter
        self.book = xlsxwriter.Workbook(buffer, OPTIONS)
        self.bold = self.book.add_format({"bold": True})
        self._formats: dict[str, Any] = {}

    def format(self, number_format: str | None) -> Any:
        if number_format is None:
            return None
        if number_format not in self._formats:
            self._formats[number_format] = self.book.add_format({"num_format": number_format})
        return self._formats[number_format]

    def sheet(self, title: str, headers: Sequence[str], rows: Sequence[Sequence[Any]],
              formats: dict[int, str] | None = None, widths: dict[int, int] | None = None,
              row_formats: Sequence[dict[int, str]] | None = None) -> None:
        """Bold frozen headers, number formats by column (`formats`, 1-based) or row by row
        (`row_formats`)."""
        sheet = self.book.add_worksheet(title[:31])
        for index in range(len(headers)):
            sheet.set_column(index, index, (widths or {}).get(index + 1, 14))
        sheet.freeze_panes(1, 0)
        sheet.write_row(0, 0, headers, self.bold)
        by_column = {column - 1: self.format(fmt) for column, fmt in (formats or {}).items()}
        for number, row in enumerate(rows, start=1):
            cell_formats = by_column if row_formats is None else {
                column - 1: self.format(fmt) for column, fmt in row_formats[number - 1].items()}
            for column, value in enumerate(row):
                if value is not None:
                    sheet.write(number, column, value, cell_formats.get(column))

    def close(self) -> None:
        self.book.close()


def _area(book: Book, t: Translate, report: Report, area: str) -> None:
    rows, row_formats = [], []
    for figure in figures(report, area):
        unit = figure.definition.unit
        now, before = _number(unit, figure.now), _number(unit, figure.before)
        change = now - before if isinstance(now, (int, float)) and isinstance(before, (int, float)) else None
        rows.append((t(f"reports.figure.{figure.key}"), now, before, change, t(f"reports.unit_name.{unit}")))
        row_formats.append(dict.fromkeys((2, 3, 4), FORMATS[unit]))
    book.sheet(t(f"reports.area.{area}"), [t(f"reports.sheet.{h}") for h in ("figure", "now", "before",
                                                                             "change", "unit")],
               rows, widths={1: 24}, row_formats=row_formats)


def workbook(t: Translate, report: Report, notes: Sequence[tuple[str, str]]) -> bytes:
    buffer = io.BytesIO()
    book = Book(buffer)
    book.sheet(t("reports.sheet.notes"), [t("reports.sheet.item"), t("reports.sheet.value")], notes,
               widths={1: 18, 2: 48})
    for area in FIGURES:
        if getattr(report, area) is not None:
            _area(book, t, report, area)
    for title, headers, rows, formats in lists(t, report):
        if len(rows) > SHEET_ROWS:   # a year of a big company: the file must still fit a chat message
            rows = [*rows[:SHEET_ROWS], (t("reports.more_rows", count=len(rows) - SHEET_ROWS),)]
        book.sheet(title, headers, rows, formats, {1: 12, 2: 28})
    book.close()
    return buffer.getvalue()


def lists(t: Translate, report: Report, keyed: bool = False) -> list[tuple]:
    """(sheet title, headers, rows, number formats by column) of every drill-down list; with
    `keyed`, each led by its key (missed, overdue …)."""
    h = lambda *keys: [t(f"reports.col.{k}") for k in keys]  # noqa: E731
    code = {pid: p.code for pid, p in report.projects.items()}

    def _naive(moment: Any) -> Any:   # Excel has no time zones: the report's local wall time
        return None if moment is None else moment.astimezone(report.period.tz).replace(tzinfo=None)
    out = []
    if report.service is not None:
        s = report.service.now
        out.append(("missed", t("reports.list.missed"),
                    h("ticket", "title", "project", "category", "severity", "due", "resolved"),
                    [(f"T-{x.id}", x.title, code.get(x.project_id, ""), t(f"category.{x.category}"),
                      t(f"severity.{x.severity}"), _naive(x.resolve_due_at), _naive(x.resolved_at))
                     for x in s.missed], {6: "yyyy-mm-dd hh:mm", 7: "yyyy-mm-dd hh:mm"}))
        out.append(("problems", t("reports.list.problems"), h("category", "count"),
                    [(t(f"category.{c}"), n) for c, n in s.by_category.items()], {}))
        out.append(("assignees", t("reports.list.assignees"), h("person", "resolved", "hours"),
                    [(report.people.get(a.person_id, "?"), a.resolved, a.resolve_hours) for a in s.assignees],
                    {3: "0.00"}))
    if report.customers is not None:
        c = report.customers.now
        out.append(("ranking", t("reports.list.ranking"), h("customer", "contract", "collected", "csat", "nps"),
                    [(r.name, float(r.contract_value), float(r.collected), r.csat, r.nps) for r in c.ranking],
                    {2: FORMATS["money"], 3: FORMATS["money"], 4: "0.00"}))
        out.append(("at_risk", t("reports.list.at_risk"), h("customer", "reasons", "csat", "lowest_nps", "complaints",
                                                 "overdue", "days"),
                    [(r.name, "、".join(t(f"reports.risk.{x}") for x in r.reasons), r.csat, r.lowest_nps,
                      r.complaints, float(r.overdue), r.overdue_days) for r in c.at_risk], {6: FORMATS["money"]}))
    if report.delivery is not None:
        out.append(("projects", t("reports.list.projects"),
                    h("project", "name", "deviation", "late", "at_risk", "milestones"),
                    [(code.get(p.project_id, ""), report.projects[p.project_id].name, p.deviation_days,
                      p.late, p.at_risk, "、".join(p.late_milestones)) for p in report.delivery.now.projects], {}))
    if report.money is not None:
        m = report.money.now
        out.append(("overdue", t("reports.list.overdue"), h("project", "payment", "due", "outstanding", "days"),
                    [(code.get(d.row.project_id, ""), d.row.name, d.due, float(d.outstanding), days)
                     for d, days in m.overdue_rows], {3: "yyyy-mm-dd", 4: FORMATS["money"]}))
        out.append(("ageing", t("reports.list.ageing"), h("bucket", "outstanding"),
                    [(t(f"reports.ageing.{b}"), float(v)) for b, v in m.ageing.items()], {2: FORMATS["money"]}))
    if report.sales is not None:
        f = report.sales.now
        out.append(("funnel", t("reports.list.funnel"), h("stage", "count", "amount", "conversion"),
                    [(t(f"opportunity.stage.{s}"), f.funnel[s], float(f.funnel_amount[s]),
                      None if f.conversion[s] is None else f.conversion[s] / 100) for s in f.funnel],
                    {3: FORMATS["money"], 4: "0.0%"}))
    return out if keyed else [item[1:] for item in out]


