"""Cutting TrueType fonts from the CJK font for the PDFs (the report export, the acceptance
record): the everyday characters' cut (pdf_common_font) and a small one of a document's rare
characters beyond it.

Noto Sans CJK (Debian's fonts-noto-cjk, what scripts/ensure-cjk-font installs) is an OpenType
collection with CFF outlines, 65,000 glyphs a face. Embedding a subset of it cost the PDF
writer ~0.5 s a file (opening the face, running every kept glyph's charstrings to subset and
measure it) and matplotlib's Type 3 glyphs ~1 s a report. So the characters are cut from the
face, their outlines turned into TrueType's (quadratic: a PDF writer subsets those by copying
bytes). A TrueType font (WenQuanYi) is cut the same way, unconverted."""
from __future__ import annotations

import io
import threading
from typing import Any, Iterable

# What every document prints: in the everyday cut whatever else it holds (pdf_common_font).
BASE = "".join(chr(c) for c in range(0x20, 0x7F)) + "¥—…‘’“”、。，：；（）《》【】％＋－↑↓→✓·"
MOST_CHARACTERS = 500     # rare ones kept; past this the next cut starts again from what that file
                          # needs (a cut costs ~0.25 s and ~0.5 ms a character)
_lock = threading.Lock()
_cache: dict[str, Any] = {}


def face_number(path: str, family: str) -> int:
    """Which face of a collection (.ttc) is `family` (Noto's: JP, KR, SC, TC, HK); 0 otherwise."""
    from fontTools.ttLib import TTCollection
    if not path.lower().endswith((".ttc", ".otc")):
        return 0
    collection = TTCollection(path, lazy=True)
    for number, font in enumerate(collection.fonts):
        if font["name"].getDebugName(1) == family:
            return number
    return 0


def rare_cut(source: str, family: str, characters: Iterable[str]) -> bytes:
    """A TrueType font holding `characters` (those the source has), cut from `source`: the
    characters a document has beyond the everyday cut (pdf_common_font). Kept for the process
    as bytes (never a file left behind); a later document reuses it while its characters are
    in it, one with new ones cuts again with them added (~0.25 s)."""
    wanted = set(characters)
    with _lock:
        kept = _cache.get("font")
        if kept is not None and kept["source"] == (source, family) and wanted <= kept["characters"]:
            return kept["data"]
        have = kept["characters"] if kept is not None and kept["source"] == (source, family) else set()
        union = have | wanted
        if len(union) > MOST_CHARACTERS:
            union = wanted
        data = cut(source, face_number(source, family), union)
        _cache["font"] = {"source": (source, family), "characters": union, "data": data}
        return data


def cut(source: str, number: int, characters: set[str]) -> bytes:
    from fontTools import subset
    from fontTools.ttLib import TTFont
    font = TTFont(source, fontNumber=number, lazy=True)
    options = subset.Options()
    options.layout_features, options.hinting, options.notdef_outline = [], False, True
    options.desubroutinize, options.name_IDs = True, [1, 2, 4, 6]
    # Vertical metrics and layout tables: horizontal text without shaping needs neither.
    options.drop_tables += ["GSUB", "GPOS", "GDEF", "BASE", "VORG", "vhea", "vmtx", "DSIG", "meta"]
    cutter = subset.Subsetter(options)
    cutter.populate(text="".join(sorted(characters)))
    cutter.subset(font)
    if "CFF " in font:
        _to_truetype(font)
    buffer = io.BytesIO()
    font.save(buffer)
    return buffer.getvalue()


def _to_truetype(font: Any) -> None:
    """CFF (cubic) outlines -> glyf (quadratic, within one unit), as fontTools' otf2ttf does."""
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import newTable
    order, glyphs = font.getGlyphOrder(), font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder, glyf.glyphs = order, {}
    for name in order:
        pen = TTGlyphPen(glyphs)
        glyphs[name].draw(Cu2QuPen(pen, 1.0, reverse_direction=True))
        glyf[name] = pen.glyph()
    font["loca"], font["glyf"] = newTable("loca"), glyf
    del font["CFF "]
    maxp = font["maxp"] = newTable("maxp")
    maxp.tableVersion = 0x00010000
    for key in ("maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
                "maxStackElements", "maxSizeOfInstructions", "maxComponentElements"):
        setattr(maxp, key, 0)
    maxp.maxZones = 1
    font["head"].glyphDataFormat = 0
    post = font["post"]
    post.formatType, post.extraNames, post.mapping = 2.0, [], {}
    post.glyphOrder = order
    font.sfntVersion = "\x00\x01\x00\x00"
