"""Which CJK font the documents and charts draw Chinese with: its file and family name, found
without matplotlib (importing it to ask its font list cost ~0.5 s on a process's first PDF).

First Debian's packages at their known paths (fonts-noto-cjk, what scripts/ensure-cjk-font
installs; fonts-wqy-*; fonts-droid-fallback), then fontconfig's `fc-match` for a font elsewhere
(another distribution's path), kept only when its family is a CJK one."""
from __future__ import annotations

import logging
import os
import shutil
import subprocess
import threading

log = logging.getLogger(__name__)

# (file, family), in order of preference: Simplified Chinese forms first. The family names a
# face of a collection (.ttc): Noto's holds JP, KR, SC, TC and HK.
KNOWN = (("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", "Noto Sans CJK SC"),
         ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", "WenQuanYi Micro Hei"),
         ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", "WenQuanYi Zen Hei"),
         ("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf", "Droid Sans Fallback"))
CJK_FAMILIES = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Micro Hei",
                "WenQuanYi Zen Hei", "Noto Sans CJK JP", "Droid Sans Fallback", "AR PL UMing CN")
_lock = threading.Lock()
_found: dict[str, tuple[str, str] | None] = {}


def find() -> tuple[str, str] | None:
    """(file, family) of the CJK font, or None (then no PDF: its text would be empty boxes).
    Looked up once per process."""
    with _lock:
        if "font" not in _found:
            _found["font"] = _known() or _fontconfig()
            if _found["font"] is None:
                log.warning("no CJK font found (install fonts-noto-cjk: scripts/ensure-cjk-font): "
                            "report charts and PDFs are left out")
        return _found["font"]


def _known() -> tuple[str, str] | None:
    return next(((path, family) for path, family in KNOWN if os.path.exists(path)), None)


def _fontconfig() -> tuple[str, str] | None:
    if shutil.which("fc-match") is None:
        return None
    for family in CJK_FAMILIES:
        try:
            out = subprocess.run(["fc-match", "--format=%{file}\n%{family[0]}", f"{family}:lang=zh-cn"],
                                 capture_output=True, text=True, timeout=10, check=True).stdout
        except (OSError, subprocess.SubprocessError):
            return None
        path, _, matched = out.partition("\n")
        # fc-match always answers (DejaVu when nothing fits): only a CJK family counts.
        if matched in CJK_FAMILIES and os.path.exists(path):
            return path, matched
    return None
