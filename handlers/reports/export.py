"""导出 报表: the report as an .xlsx workbook and a PDF, built off the event loop, as file
messages (the neutral `File` of handlers/chat/contract.py: each platform sends it as a file,
the console offers it for download)."""
from __future__ import annotations

import asyncio
from datetime import datetime

from domain.reports.report import Report
from domain.reports.trends import Point
from handlers.chat.context import Deps
from handlers.chat.contract import FILE_MAX, File
from handlers.reports import charts
from handlers.reports.pdf import pdf
from handlers.reports.views import panels, period_text, scope_text
from handlers.reports.workbook import workbook


def notes(deps: Deps, locale: str, report: Report, made: datetime) -> list[tuple[str, str]]:
    t = lambda key, **p: deps.t(locale, key, **p)  # noqa: E731
    return [(t("reports.note.scope"), scope_text(deps, locale, report)),
            (t("reports.note.period"), period_text(deps, locale, report.period)),
            (t("reports.note.before"), period_text(deps, locale, report.previous)),
            (t("reports.note.made"), deps.local(made, "%Y-%m-%d %H:%M")),
            (t("reports.note.definitions"), t("reports.note.see_docs"))]


def base_name(deps: Deps, locale: str, report: Report) -> str:
    scope = report.scope.project.code if report.scope.project else deps.t(locale, "reports.file_scope")
    return deps.t(locale, "reports.file_name", scope=scope, first=report.period.first.isoformat(),
                  last=report.period.last_day.isoformat())


async def export_files(deps: Deps, locale: str, report: Report, points: list[Point],
                       made: datetime | None = None) -> tuple[list[File], list[str]]:
    """The files, and why any is missing (no_font, too_large)."""
    t = lambda key, **p: deps.t(locale, key, **p)  # noqa: E731
    name = base_name(deps, locale, report)
    title = t("reports.title", span=period_text(deps, locale, report.period))
    subtitle = t("reports.compared", scope=scope_text(deps, locale, report),
                 before=period_text(deps, locale, report.previous))
    # Independent, and each mostly in C part of the time (zlib, the chart's rasteriser): made at once.
    book, document = await asyncio.gather(
        asyncio.to_thread(workbook, t, report, notes(deps, locale, report, made or report.period.end)),
        asyncio.to_thread(pdf, t, report, title, subtitle, panels(deps, locale, report, points)))
    files, missing = [], []
    for data, suffix in ((book, "xlsx"), (document, "pdf")):
        if data is None:
            missing.append("no_font" if not charts.available() else "failed")
        elif len(data) > FILE_MAX:
            missing.append("too_large")
        else:
            files.append(File(f"{name}.{suffix}", data))
    return files, missing
