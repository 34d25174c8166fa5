"""The PDFs' CJK font (handlers/documents/): the everyday characters' cut is made by `make`, or,
when sitebot runs without it, once into its own cache directory (never the temporary one), and
finding the font does not import matplotlib."""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

from handlers.documents import cjk_font, pdf_common_font

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def source() -> tuple[str, str]:
    found = cjk_font.find()
    if found is None:
        pytest.skip("no CJK font installed (fonts-noto-cjk): the PDFs are left out")
    return found


def test_without_makes_cut_it_is_cut_once_into_the_cache(source, tmp_path):
    def temporary_fonts() -> set[str]:      # other programs' files come and go there too
        return {name for name in os.listdir(tempfile.gettempdir()) if "cjk" in name}
    temporary = temporary_fonts()
    build, cache = tmp_path / "build", tmp_path / "cache"
    path = pdf_common_font.font_file(*source, build_dir=build, cache_dir=cache)
    assert Path(path).parent == cache and not build.exists()
    made = os.stat(path).st_mtime_ns
    assert pdf_common_font.font_file(*source, build_dir=build, cache_dir=cache) == path
    assert os.stat(path).st_mtime_ns == made                      # not cut again
    assert [p.name for p in cache.iterdir() if p.suffix != ".lock"] == [Path(path).name]
    assert temporary_fonts() == temporary
    font = TTFont(path)
    cmap = font.getBestCmap()
    assert {ord(ch) for ch in "验收隐蔽工程钢筋，。"} <= set(cmap) and ord("砼") not in cmap
    assert "glyf" in font and "CFF " not in font

    # make's cut, when there, is the one used.
    build.mkdir()
    (build / Path(path).name).write_bytes(Path(path).read_bytes())
    assert pdf_common_font.font_file(*source, build_dir=build, cache_dir=cache) == str(build / Path(path).name)


def test_making_a_pdf_font_imports_no_matplotlib(source):
    """Finding the font by asking matplotlib's font list cost ~0.5 s on a process's first PDF."""
    code = ("import sys\n"
            "import handlers.reports.pdf, handlers.site.pdf\n"
            "from handlers.documents import pdf_text\n"
            "assert pdf_text.fonts('验收砼') is not None\n"
            "print('matplotlib' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"


def test_where_var_cannot_be_written_the_users_cache_is_used(tmp_path, monkeypatch):
    """The package installed and run by a user of its own (the Docker image): var/ beside the
    code is not theirs, their home's cache is."""
    (tmp_path / "site-packages").write_text("a file, so nothing can be made under it")
    monkeypatch.setattr(pdf_common_font, "CACHE_DIR", tmp_path / "site-packages" / "var" / "cache")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "home-cache"))
    pdf_common_font.writable_cache.cache_clear()
    try:
        assert pdf_common_font.writable_cache() == tmp_path / "home-cache" / "sitebot"
    finally:
        pdf_common_font.writable_cache.cache_clear()
