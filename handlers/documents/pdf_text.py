"""Text in the PDFs across two fonts: the everyday characters' cut (pdf_common_font) and, when
a document has characters beyond it, a small cut of those (pdf_font.rare_cut). fpdf2's text()
draws one font, so a line is drawn as runs, each in the font that has its characters."""
from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from typing import Any, Iterable, Iterator

from handlers.documents import cjk_font, pdf_common_font, pdf_font

COMMON, RARE = "cjk", "cjk-rare"


@dataclass(frozen=True)
class Fonts:
    common: str              # the everyday cut's file
    rare: bytes | None       # the cut of the document's other characters, if it has any


def fonts(used: Iterable[str]) -> Fonts | None:
    """The fonts for a document printing `used`; None without a CJK font (its text would be
    empty boxes)."""
    found = cjk_font.find()
    if found is None:
        return None
    rare = set(used) - pdf_common_font.characters()
    return Fonts(pdf_common_font.font_file(*found), pdf_font.rare_cut(*found, rare) if rare else None)


class Writer:
    def __init__(self, doc: Any, fonts: Fonts) -> None:
        self.doc, self.common = doc, pdf_common_font.characters()
        doc.add_font(COMMON, fname=fonts.common)
        self.has_rare = fonts.rare is not None
        if fonts.rare is not None:
            _add_font_bytes(doc, RARE, fonts.rare)
        self.size = 10.0
        doc.set_font(COMMON, size=self.size)

    def set_size(self, size: float) -> None:
        self.size = size
        self.doc.set_font_size(size)

    def _runs(self, text: str) -> Iterator[tuple[str, str]]:
        """(font, text) runs; everything in the common font without a rare cut."""
        if not self.has_rare:
            yield COMMON, text
            return
        run, family = "", COMMON
        for ch in text:
            wanted = COMMON if ch in self.common else RARE
            if wanted != family and run:
                yield family, run
                run = ""
            run, family = run + ch, wanted
        if run:
            yield family, run

    def width(self, text: str) -> float:
        total = 0.0
        for family, run in self._runs(text):
            self.doc.set_font(family, size=self.size)
            total += self.doc.get_string_width(run)
        self.doc.set_font(COMMON, size=self.size)
        return total

    def text(self, x: float, y: float, text: str) -> None:
        for family, run in self._runs(text):
            self.doc.set_font(family, size=self.size)
            self.doc.text(x, y, run)
            x += self.doc.get_string_width(run)
        self.doc.set_font(COMMON, size=self.size)


def _add_font_bytes(doc: Any, family: str, data: bytes) -> None:
    """fpdf2 takes a font by its path only: written to a file in sitebot's cache directory that
    is removed once added (fpdf2 reads it through the file it opened: nothing stays behind)."""
    handle, path = tempfile.mkstemp(prefix=".cjk-rare-", suffix=".ttf", dir=pdf_common_font.writable_cache())
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        doc.add_font(family, fname=path)
    finally:
        os.unlink(path)
