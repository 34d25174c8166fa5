"""An acceptance record as a PDF (A4, fpdf2): the kind and subject, the project, its template's
fields, the signatures as names and times — who asked for it and who decided (通过 / 不通过 and
why) — and the photos taken, scaled, three to a row (on more pages when they do not fit the
first; handlers/site/pdf_photos.py).

Text is real text in TrueType cuts of the CJK font, so it can be searched and copied: the
everyday characters' cut, made by `make` (handlers/documents/pdf_common_font.py: a record's
free text would otherwise need a new cut most times), and a small one for any others, drawn as
runs (handlers/documents/pdf_text.py; the report export's too). The photos are JPEG as scaled,
which fpdf2 embeds without decoding them again."""
from __future__ import annotations

import io
from datetime import datetime
from typing import Callable, Sequence

from domain.site.acceptance import PASSED
from domain.store.models import Person, Project
from domain.store.models.site import AcceptanceRecord
from handlers.chat.contract import FILE_MAX
from handlers.documents import pdf_text
from handlers.documents.pdf_text import Fonts, Writer
from handlers.site import pdf_photos

Translate = Callable[..., str]
Local = Callable[..., str]
WIDTH, HEIGHT = 210.0, 297.0              # A4, mm
LEFT, VALUE, RIGHT = 16.8, 63.0, 193.2    # the labels' column, the values', the right margin
FIRST_ROW, NEXT_PAGE, BOTTOM, FOOTER = 35.6, 23.8, 276.2, 285.1
SIZE, LINE, ROW_GAP = 10, 6.5, 4.2        # pt; mm a line of a value; mm between rows
GREY, MUTED, RULE = "#646a73", "#8f959e", "#dee0e3"
Rows = list[tuple[str, str]]


def acceptance_pdf(t: Translate, local: Local, record: AcceptanceRecord, project: Project,
                   requester: Person | None, decider: Person | None,
                   photos: Sequence[bytes] = (), limit: int = FILE_MAX) -> bytes | None:
    """None without a CJK font (the text would be empty boxes). `photos`: the record's photos'
    bytes; drawn smaller, then fewer, until the file fits `limit` (what a file message takes)."""
    title = t("site.accept.pdf_title", kind=record.kind)
    rows = [(t("site.accept.field.project"), f"{project.code} {project.name}"),
            (t("site.accept.field.kind"), record.kind)]
    rows += [(label, str(value or "—")) for label, value in record.fields.items()]
    rows.append((t("site.accept.field.photos"), str(len(record.attachments or []))))
    verdict = t("site.accept.word_passed" if record.status == PASSED else "site.accept.word_failed")
    signatures = [(t("site.accept.sign_requester"), _sign(requester, local(record.created_at, "%Y-%m-%d %H:%M"))),
                  (t("site.accept.sign_decider"), _sign(decider, local(record.decided_at, "%Y-%m-%d %H:%M"))),
                  (t("site.accept.field.verdict"), verdict)]
    if record.reason:
        signatures.append((t("site.accept.field.reason"), record.reason))
    heads = (t("site.accept.signatures"), t("site.accept.pdf_photos", count=len(photos)),
             t("site.accept.pdf_footer", at=local(_made(record), "%Y-%m-%d %H:%M")))
    used = set(title + record.number + "".join(heads) + "0123456789 /")
    used |= {ch for label, value in rows + signatures for ch in label + value}
    fonts = pdf_text.fonts(used)
    if fonts is None:
        return None
    data, decoded = b"", pdf_photos.decode(photos[:pdf_photos.SIZES[0][1]], pdf_photos.SIZES[0][0])
    for side, most in pdf_photos.SIZES:
        scaled = pdf_photos.scale(decoded[:most], side)
        counted = t("site.accept.pdf_photos", count=len(scaled))   # those drawn
        data = _draw(fonts, title, record.number, rows, signatures, (heads[0], counted, heads[2]), scaled)
        if len(data) <= limit:
            break
    return data


def _draw(fonts: Fonts, title: str, number: str, rows: Rows, signatures: Rows,
          heads: tuple[str, str, str], photos: list[pdf_photos.Photo]) -> bytes:
    from fpdf import FPDF
    signed, photos_head, footer = heads
    doc = FPDF(orientation="portrait", unit="mm", format="A4")
    doc.set_auto_page_break(False)
    w = Writer(doc, fonts)
    doc.set_title(f"{title} {number}")
    doc.set_creator("sitebot")
    doc.add_page()
    w.set_size(18)
    _bold(w, (WIDTH - w.width(title)) / 2, 20.5, title, 18)
    w.set_size(10)
    doc.set_text_color(GREY)
    w.text((WIDTH - w.width(number)) / 2, 25.5, number)
    top = _rows(w, FIRST_ROW, rows)
    _bold(w, LEFT, top + 9.5, signed, 12)
    top = _rows(w, top + 20.8, signatures)
    placed = pdf_photos.layout(top + 20.8, photos, (LEFT, RIGHT, NEXT_PAGE, BOTTOM))
    pages = 1 + (placed[-1][0] if placed else 0)
    _footer(w, footer, pages)
    if photos:
        _bold(w, LEFT, top + 9.5, photos_head, 12)
    for photo, (page, x, y, wide, high) in zip(photos, placed):
        if page + 1 > doc.page:
            doc.add_page()
            _footer(w, footer, pages)
        doc.image(io.BytesIO(photo.jpeg), x=x, y=y, w=wide, h=high)
    return bytes(doc.output())


def _footer(w: Writer, footer: str, pages: int) -> None:
    w.set_size(8)
    w.doc.set_text_color(MUTED)
    w.text(LEFT, FOOTER, footer)
    if pages > 1:
        mark = f"{w.doc.page} / {pages}"
        w.text(RIGHT - w.width(mark), FOOTER, mark)
    w.doc.set_text_color(0)


def _rows(w: Writer, top: float, rows: Rows) -> float:
    """Label and value rows, values wrapped to the column; returns where the next block may start."""
    doc = w.doc
    w.set_size(SIZE)
    doc.set_draw_color(RULE)
    doc.set_line_width(0.18)
    baseline = SIZE * 25.4 / 72 * 0.88      # from a line's top to its baseline, mm
    for label, value in rows:
        lines = _wrap(w, value, RIGHT - VALUE) or ["—"]
        doc.set_text_color(GREY)
        w.text(LEFT, top + baseline, label)
        doc.set_text_color(0)
        for k, line in enumerate(lines):
            w.text(VALUE, top + baseline + k * LINE, line)
        top += LINE * len(lines) + ROW_GAP
        doc.line(LEFT, top - 2.1, RIGHT, top - 2.1)
    return top


def _wrap(w: Writer, text: str, width: float) -> list[str]:
    """Lines no wider than `width` (mm), broken between any two characters (CJK has no spaces)."""
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        line, used = "", 0.0
        for ch in paragraph:
            wide = w.width(ch)
            if line and used + wide > width:
                lines.append(line)
                line, used = "", 0.0
            line, used = line + ch, used + wide
        lines.append(line)
    return [line for line in lines if line.strip()]


def _bold(w: Writer, x: float, y: float, text: str, size: float) -> None:
    """The font has no bold face: the outline stroked as well as filled (in a context of its
    own: the text mode would otherwise stay on for the rest of the page)."""
    w.set_size(size)
    with w.doc.local_context(text_mode="FILL_STROKE", line_width=size * 0.012, draw_color=0, text_color=0):
        w.text(x, y, text)


def _sign(person: Person | None, at: str) -> str:
    return f"{person.name if person else '—'}    {at}"


def _made(record: AcceptanceRecord) -> datetime:
    return record.decided_at or record.created_at
