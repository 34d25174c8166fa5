"""CPU time of one acceptance record's PDF (handlers/site/pdf.py), with 0, 2 and 8 phone-sized
JPEG photos (1600x1200, textured so they do not compress to nothing): the first file in the
process (imports, font) apart from the following ones (the median of --runs). Prints the
file's size too (a chat's file message here takes 512 kB). The last rows: records whose text
is new each time (40 everyday characters; then with one rare character too, which needs a
small cut of its own: handlers/documents/pdf_common_font.py), as new subjects and remarks are.
With --noisy: 4000x3000 photos of noise (JPEG's worst case) instead.
Wave 4 (the font found without matplotlib, its everyday cut made by make), --runs 3: the first
PDF in a process, no photos, 0.553 -> 0.418 s CPU; the following ones unchanged (0.056 -> 0.055 s;
2 photos 0.13-0.15 s); with a rare character new each time 0.43 -> 0.36 s (its small cut).
Usage: python bench/acceptance_pdf.py [--runs 5] [--noisy]
"""
from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from domain.store.models import Person, Project  # noqa: E402
from domain.store.models.site import AcceptanceRecord  # noqa: E402
from handlers.chat.i18n import Catalog  # noqa: E402
from handlers.documents import pdf_common_font  # noqa: E402
from handlers.site.pdf import acceptance_pdf  # noqa: E402

TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "i18n"


def photo(seed: int, size: tuple[int, int] = (1600, 1200), grain: int = 20) -> bytes:
    """Random colour blocks `grain` pixels wide, smoothed: 1 is noise (JPEG's worst case)."""
    import numpy
    from PIL import Image
    rng = numpy.random.default_rng(seed)
    rough = rng.integers(0, 255, (size[1] // grain, size[0] // grain, 3), dtype=numpy.uint8)
    out = io.BytesIO()
    Image.fromarray(rough).resize(size, Image.Resampling.BILINEAR).save(out, "JPEG", quality=90)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--noisy", action="store_true", help="4000x3000 photos of noise instead")
    args = parser.parse_args()
    runs = args.runs
    catalog = Catalog(TEMPLATES)
    t = lambda key, **p: catalog.t("zh-CN", key, **p)  # noqa: E731
    local = lambda when, fmt="%m-%d %H:%M": when.strftime(fmt) if when else "—"  # noqa: E731
    at = datetime(2026, 11, 28, 9, 30)
    project = Project(id=1, code="P-001", name="阳光花园3号楼")
    li, liu = Person(id=1, name="李工长"), Person(id=2, name="刘总")
    photos = [photo(seed, (4000, 3000), 1) if args.noisy else photo(seed) for seed in range(8)]
    print(f"{'photos':>6} {'first CPU s':>12} {'then CPU s':>11} {'kB':>6}")
    for count in (0, 2, 7, 8):
        record = AcceptanceRecord(id=1, project_id=1, kind="隐蔽工程", subject="5层顶板钢筋",
                                  fields={"部位": "5层顶板钢筋", "说明": "绑扎间距150，保护层25"},
                                  attachments=[{"kind": "image", "ref": str(i)} for i in range(count)],
                                  requester_id=1, status="passed", decided_by_id=2, decided_at=at,
                                  created_at=at)
        times, size = [], 0
        for _ in range(runs + 1):
            start = time.process_time()
            data = acceptance_pdf(t, local, record, project, li, liu, photos[:count])
            times.append(time.process_time() - start)
            size = len(data or b"")
        print(f"{count:>6} {times[0]:>12.3f} {statistics.median(times[1:]):>11.3f} {size / 1024:>6.0f}")
    common = sorted(ch for ch in pdf_common_font.characters() if ord(ch) >= 0x4E00)
    rare = [chr(c) for c in range(0x4E00, 0x9FA6) if chr(c) not in pdf_common_font.characters()]
    for label, pool in (("2, new everyday words", common), ("2, a rare character too", rare)):
        times = []
        for run in range(runs):
            fresh = "".join(common[(run * 97 + k * 31) % len(common)] for k in range(40))   # 40 new ones
            if pool is rare:
                fresh += rare[run * 13]
            record = AcceptanceRecord(id=2, project_id=1, kind="隐蔽工程", subject=fresh[:10], fields={"说明": fresh},
                                      attachments=[{"kind": "image", "ref": "0"}, {"kind": "image", "ref": "1"}],
                                      requester_id=1, status="passed", decided_by_id=2, decided_at=at,
                                      created_at=at)
            start = time.process_time()
            acceptance_pdf(t, local, record, project, li, liu, photos[:2])
            times.append(time.process_time() - start)
        print(f"{label:>30} {statistics.median(times):>11.3f}")

if __name__ == "__main__":
    main()
