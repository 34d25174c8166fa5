"""The CJK font for documents full of free text (the acceptance record: subjects, remarks,
names), cut once: the 3,755 characters of GB2312's first level (those in everyday use, ~99.7% of
modern text) with its punctuation and symbols.

The report export cuts what each file needs and keeps that while later files fit in it
(handlers/documents/pdf_font.py): a record's free text brings new characters most times, and
each new cut cost ~0.3-1.3 s (it grows with the characters kept) where drawing the record costs
~0.1 s. This font is cut once per machine (~2-4 s; kept in the temporary directory, named by the
source font's file, size and date, so other processes reuse it) and a document loads it in
~25 ms; the rare characters a text has beyond it (a name's 喆) come from a small cut of their own
(pdf_font.font_file), drawn as runs of the second font (handlers/site/pdf_text.py)."""
from __future__ import annotations

import hashlib
import os
import tempfile
import threading
from functools import lru_cache

from handlers.documents import pdf_font

VERSION = 1          # of what is cut (a change makes a new file)
_lock = threading.Lock()


@lru_cache(maxsize=1)
def characters() -> frozenset[str]:
    """BASE, GB2312's symbols (rows 1-9: punctuation, full-width forms, kana, Greek …) and its
    first-level characters (rows 16-55)."""
    out = set(pdf_font.BASE)
    for high in [*range(0xA1, 0xAA), *range(0xB0, 0xD8)]:
        for low in range(0xA1, 0xFF):
            try:
                out.add(bytes((high, low)).decode("gb2312"))
            except UnicodeDecodeError:      # an empty position of the table
                continue
    return frozenset(out)


def font_file(source: str, family: str) -> str:
    """The cut's path (made the first time on this machine)."""
    stat = os.stat(source)
    key = hashlib.sha256(f"{source}|{family}|{stat.st_size}|{stat.st_mtime_ns}|{VERSION}".encode()).hexdigest()
    path = os.path.join(tempfile.gettempdir(), f"sitebot-cjk-common-{key[:20]}.ttf")
    with _lock:
        if not os.path.exists(path):
            data = pdf_font._cut(source, pdf_font.face_number(source, family), set(characters()))
            handle, part = tempfile.mkstemp(prefix="sitebot-cjk-common-", suffix=".part")
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.replace(part, path)          # whole or not there, for a process reading it at once
    return path
