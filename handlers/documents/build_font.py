"""Build step: cut the everyday characters' CJK font the PDFs draw with (pdf_common_font) into
var/build/ (ignored by git), so no process pays the 2-5 s cut at run time.

Run by `make` (and so by `make test` and `make run`):
    python -m handlers.documents.build_font
Without a CJK font there is nothing to cut (the PDFs are left out; scripts/ensure-cjk-font
installs one). A cut already there for the same source font is left alone; older ones go."""
from __future__ import annotations

import time

from handlers.documents import cjk_font, pdf_common_font


def main() -> None:
    found = cjk_font.find()
    if found is None:
        print("CJK font cut: no CJK font installed (scripts/ensure-cjk-font): nothing to cut")
        return
    started = time.process_time()
    build = pdf_common_font.BUILD_DIR
    name = pdf_common_font.file_name(*found)
    path = build / name
    for old in build.glob("cjk-common-*.ttf"):
        if old.name != name:
            old.unlink()
    wrote = not path.exists()
    if wrote:
        build.mkdir(parents=True, exist_ok=True)
        pdf_common_font.write(path, *found)
    print(f"CJK font cut: {'written' if wrote else 'up to date'}: {path} "
          f"({path.stat().st_size / 1024:.0f} KiB, {time.process_time() - started:.1f} s CPU)")


if __name__ == "__main__":
    main()
