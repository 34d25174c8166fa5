"""The CJK font both PDFs (the report export, the acceptance record) draw with: a TrueType cut
of the everyday characters — GB2312's first level, the 3,755 characters of ~99.7% of modern
text, with its punctuation and symbols — and, for the rare characters a text has beyond it (a
name's 喆, 砼), a small cut of those (pdf_font.rare_cut), drawn as runs of a second font
(handlers/documents/pdf_text.py).

The cut costs 2-5 s CPU, so `make` makes it (python -m handlers.documents.build_font, beside the
capture model in var/build/, ignored by git); a document loads it in ~25 ms. When it is not
there (sitebot started without make, or the system's font changed since) the first document
cuts it once into var/cache/ (~/.cache/sitebot/ where that is not writable), under a lock so
processes starting together cut it once. Files are named by the source font's path, face, size
and date, so a changed font gets a new cut."""
from __future__ import annotations

import fcntl
import hashlib
import os
import tempfile
import threading
from functools import lru_cache
from pathlib import Path

from handlers.documents import pdf_font

VERSION = 2          # of what is cut (a change makes a new file)
# <checkout>/var/ (sitebot is installed editable), as the capture model's (domain/capture/classifier.py).
VAR = Path(__file__).resolve().parents[2] / "var"
BUILD_DIR, CACHE_DIR = VAR / "build", VAR / "cache"
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


def file_name(source: str, family: str) -> str:
    stat = os.stat(source)
    key = hashlib.sha256(f"{source}|{family}|{stat.st_size}|{stat.st_mtime_ns}|{VERSION}".encode()).hexdigest()
    return f"cjk-common-{key[:20]}.ttf"


@lru_cache(maxsize=1)
def writable_cache() -> Path:
    """var/cache/ in the checkout; where that cannot be written (the package installed and run
    by a user of its own, as in the Docker image) the user's cache directory, ~/.cache/sitebot/."""
    home = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "sitebot"
    for candidate in (CACHE_DIR, home):
        try:
            candidate.mkdir(parents=True, exist_ok=True)
        except OSError:
            continue
        if os.access(candidate, os.W_OK):
            return candidate
    raise OSError(f"no writable cache directory for the PDFs' font ({CACHE_DIR}, {home})")


def font_file(source: str, family: str, build_dir: Path = BUILD_DIR, cache_dir: Path | None = None) -> str:
    """The cut's path: make's, else the cache's (cut there the first time)."""
    name = file_name(source, family)
    built = build_dir / name
    if built.exists():
        return str(built)
    with _lock:
        cache_dir = cache_dir or writable_cache()
        cached = cache_dir / name
        if not cached.exists():
            cache_dir.mkdir(parents=True, exist_ok=True)
            with open(cache_dir / "cjk-common.lock", "a") as lock:
                fcntl.flock(lock, fcntl.LOCK_EX)      # another process may be cutting it now
                if not cached.exists():
                    write(cached, source, family)
        return str(cached)


def write(path: Path, source: str, family: str) -> None:
    """Cut the everyday characters from `source` into `path` (whole or not there: a process may
    read it at once)."""
    data = pdf_font.cut(source, pdf_font.face_number(source, family), set(characters()))
    handle, part = tempfile.mkstemp(prefix=".cjk-common-", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.chmod(part, 0o644)               # mkstemp's 0600: other users' processes read it too
        os.replace(part, path)
    except BaseException:
        os.unlink(part)
        raise
