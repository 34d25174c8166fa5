"""Text in the acceptance PDF across two fonts: the common cut (handlers/documents/
pdf_common_font.py) and, when a text has characters beyond it, a small cut of those. fpdf2's
text() draws one font, so a line is drawn as runs, each in the font that has its characters."""
from __future__ import annotations

from typing import Any, Iterator

COMMON, RARE = "cjk", "cjk-rare"


class Writer:
    def __init__(self, doc: Any, common: str, common_characters: frozenset[str], rare: str | None) -> None:
        self.doc, self.common = doc, common_characters
        doc.add_font(COMMON, fname=common)
        if rare is not None:
            doc.add_font(RARE, fname=rare)
        self.has_rare = rare is not None
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
