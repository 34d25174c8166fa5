"""An acceptance record as a PDF (A4): the kind and subject, the project, its template's fields,
the signatures as names and times — who asked for it and who decided (通过 / 不通过 and why) —
and the photos taken, scaled, three to a row (on more pages when they do not fit the first).
Drawn with matplotlib's PDF backend and the CJK font the reports use (handlers/reports/charts.py
finds it; scripts/ensure-cjk-font installs it); photo layout in handlers/site/pdf_photos.py."""
from __future__ import annotations

import io
import textwrap
from datetime import datetime
from typing import Callable, Sequence

from domain.site.acceptance import PASSED
from domain.store.models import Person, Project
from domain.store.models.site import AcceptanceRecord
from handlers.chat.contract import FILE_MAX
from handlers.reports import charts
from handlers.site import pdf_photos

A4 = (8.27, 11.69)
Translate = Callable[..., str]
Local = Callable[..., str]
WRAP = 34   # characters a line of a field's value (CJK: about the column's width)


def acceptance_pdf(t: Translate, local: Local, record: AcceptanceRecord, project: Project,
                   requester: Person | None, decider: Person | None,
                   photos: Sequence[bytes] = (), limit: int = FILE_MAX) -> bytes | None:
    """None without a CJK font (the text would be empty boxes). `photos`: the record's photos'
    bytes; drawn smaller, then fewer, until the file fits `limit` (what a file message takes)."""
    if not charts.available():
        return None
    data = b""
    for side, most in pdf_photos.SIZES:
        scaled = pdf_photos.scale(photos[:most], side)
        data = _draw(t, local, record, project, requester, decider, scaled)
        if len(data) <= limit:
            break
    return data


def _draw(t: Translate, local: Local, record: AcceptanceRecord, project: Project, requester: Person | None,
          decider: Person | None, photos: list[pdf_photos.Photo]) -> bytes:
    from matplotlib.figure import Figure

    page = Figure(figsize=A4)
    title = t("site.accept.pdf_title", kind=record.kind)
    page.text(0.5, 0.95, title, fontsize=18, weight="bold", ha="center")
    page.text(0.5, 0.925, record.number, fontsize=10, ha="center", color="#646a73")
    rows = [(t("site.accept.field.project"), f"{project.code} {project.name}"),
            (t("site.accept.field.kind"), record.kind)]
    rows += [(label, value or "—") for label, value in record.fields.items()]
    rows.append((t("site.accept.field.photos"), str(len(record.attachments or []))))
    top = _rows(page, 0.88, rows)
    verdict = t("site.accept.word_passed" if record.status == PASSED else "site.accept.word_failed")
    signatures = [(t("site.accept.sign_requester"), _sign(requester, local(record.created_at, "%Y-%m-%d %H:%M"))),
                  (t("site.accept.sign_decider"), _sign(decider, local(record.decided_at, "%Y-%m-%d %H:%M"))),
                  (t("site.accept.field.verdict"), verdict)]
    if record.reason:
        signatures.append((t("site.accept.field.reason"), record.reason))
    page.text(0.08, top - 0.03, t("site.accept.signatures"), fontsize=12, weight="bold", va="top")
    top = _rows(page, top - 0.07, signatures)
    footer = t("site.accept.pdf_footer", at=local(_made(record), "%Y-%m-%d %H:%M"))
    pages = [page]
    if photos:
        page.text(0.08, top - 0.03, t("site.accept.pdf_photos", count=len(photos)), fontsize=12,
                  weight="bold", va="top")
        pages += pdf_photos.place(page, top - 0.07, photos, lambda: Figure(figsize=A4))
    buffer = io.BytesIO()
    with pdf_photos.document(buffer, {"Title": f"{title} {record.number}", "Creator": "sitebot"}) as document:
        for number, sheet in enumerate(pages, start=1):
            sheet.text(0.08, 0.04, footer, fontsize=8, color="#8f959e")
            if len(pages) > 1:
                sheet.text(0.92, 0.04, f"{number} / {len(pages)}", fontsize=8, color="#8f959e", ha="right")
            document.savefig(sheet)
    return buffer.getvalue()


def _rows(page: object, top: float, rows: list[tuple[str, str]]) -> float:
    """Label and value rows, values wrapped; returns where the next block may start."""
    from matplotlib.lines import Line2D
    for label, value in rows:
        lines = textwrap.wrap(str(value), WRAP) or ["—"]
        page.text(0.08, top, label, fontsize=10, color="#646a73", va="top")   # type: ignore[attr-defined]
        page.text(0.3, top, "\n".join(lines), fontsize=10, va="top", linespacing=1.6)  # type: ignore[attr-defined]
        top -= 0.022 * len(lines) + 0.014
        page.add_artist(Line2D([0.08, 0.92], [top + 0.007] * 2, color="#dee0e3", linewidth=0.5))  # type: ignore[attr-defined]
    return top


def _sign(person: Person | None, at: str) -> str:
    return f"{person.name if person else '—'}    {at}"


def _made(record: AcceptanceRecord) -> datetime:
    return record.decided_at or record.created_at
