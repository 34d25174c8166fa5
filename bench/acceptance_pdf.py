"""CPU time of one acceptance record's PDF (handlers/site/pdf.py), with 0, 2 and 8 phone-sized
JPEG photos (1600x1200, textured so they do not compress to nothing): the first file in the
process (imports, font) apart from the following ones (the median of --runs). Prints the
file's size too (a chat's file message here takes 512 kB).
With --noisy: 4000x3000 photos of noise (JPEG's worst case) instead.
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


if __name__ == "__main__":
    main()
