"""Charts drawn on the server as PNG for chat cards with matplotlib (the PDF export draws the
same panels itself: handlers/reports/pdf_charts.py).

matplotlib is imported the first time a chart is drawn, never at start-up (it costs about a
second). Labels are Chinese, so a CJK font is needed: Debian's fonts-noto-cjk (Noto Sans CJK)
or fonts-wqy-microhei, found among the system's fonts. Without one, `available()` is False
and nothing is drawn: the card goes without its picture and says why, the export without its
PDF (scripts/ensure-cjk-font installs one)."""
from __future__ import annotations

import io
import logging
import os
import threading
from dataclasses import dataclass, field
from typing import Any, Sequence

from handlers.documents import cjk_font

log = logging.getLogger(__name__)

# Debian's packages (fonts-noto-cjk, fonts-wqy-microhei …): added by path when matplotlib's
# cached font list predates their installation (it does not look again by itself). The PDFs
# find theirs without matplotlib (handlers/documents/cjk_font.py), from the same list.
FONT_FILES = tuple(path for path, _ in cjk_font.KNOWN)
CJK_FONTS = cjk_font.CJK_FAMILIES     # in order of preference: Simplified Chinese forms first
COLOURS = ("#3370ff", "#34c724", "#ff8800", "#f54a45", "#7f3bf5", "#8f959e", "#14c0ff")
_lock = threading.Lock()
_state: dict[str, Any] = {}


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float | None]
    kind: str = "bar"          # bar | line
    right: bool = False        # on a second axis (a rate beside counts)


@dataclass(frozen=True)
class Panel:
    title: str
    labels: Sequence[str]
    series: Sequence[Series] = field(default_factory=tuple)
    horizontal: bool = False   # distributions: one bar per category


def _setup() -> str | None:
    """Import matplotlib and pick the CJK font, once per process; the font's name or None."""
    with _lock:
        if "font" not in _state:
            import matplotlib
            matplotlib.use("Agg", force=False)
            from matplotlib import font_manager
            font = _find(font_manager)
            if font is None:
                for path in FONT_FILES:
                    if os.path.exists(path):
                        font_manager.fontManager.addfont(path)
                font = _find(font_manager)
            if font is None:
                log.warning("no CJK font found (install fonts-noto-cjk): report charts and the PDF "
                            "export are left out")
            else:
                # The CJK font alone (it has Latin glyphs too): a fallback font made every text
                # look in two fonts, a seventh of the drawing time.
                matplotlib.rcParams.update({"font.family": [font], "pdf.fonttype": 3,
                                            "axes.unicode_minus": False, "svg.fonttype": "none"})
            _state["font"] = font
        return _state["font"]


def _find(font_manager: Any) -> str | None:
    names = {f.name for f in font_manager.fontManager.ttflist}
    return next((name for name in CJK_FONTS if name in names), None)


def available() -> bool:
    return _setup() is not None


def figure(panels: Sequence[Panel], width: float = 6.4, height: float = 2.6) -> Any:
    """A matplotlib Figure with one panel per row (phones read charts top to bottom). Margins
    are fixed, not worked out by a layout engine: that took two thirds of the drawing time."""
    from matplotlib.figure import Figure
    total = height * len(panels)
    fig = Figure(figsize=(width, total), dpi=100)
    fig.subplots_adjust(left=0.2, right=0.9, top=1 - 0.4 / total, bottom=0.35 / total, hspace=0.6)
    for index, panel in enumerate(panels, start=1):
        draw(fig.add_subplot(len(panels), 1, index), panel)
    return fig


def draw(ax: Any, panel: Panel) -> None:
    # y given: matplotlib otherwise works out where each title goes from every tick label's
    # extent (to clear top ticks these axes do not have), a fifth of the drawing time.
    ax.set_title(panel.title, fontsize=11, loc="left", y=1.0)
    ax.spines[["top", "right"]].set_visible(False)
    positions = list(range(len(panel.labels)))
    bars = [s for s in panel.series if s.kind == "bar"]
    width = 0.8 / max(len(bars), 1)
    if panel.horizontal:
        values = [v or 0 for v in bars[0].values] if bars else []
        ax.barh(positions, values, color=COLOURS[0])
        ax.set_yticks(positions, panel.labels)
        ax.invert_yaxis()
        for y, value in zip(positions, values):
            ax.text(value, y, f" {value:g}", va="center", fontsize=9)
        return
    for index, series in enumerate(bars):
        offset = (index - (len(bars) - 1) / 2) * width
        ax.bar([p + offset for p in positions], [v or 0 for v in series.values], width,
               label=series.name, color=COLOURS[index % len(COLOURS)])
    ax.set_xticks(positions, panel.labels, fontsize=9)
    ax.set_ylim(bottom=0)
    other = ax
    for index, series in enumerate(s for s in panel.series if s.kind == "line"):
        target = ax.twinx() if series.right else ax
        other = target
        points = [(p, v) for p, v in zip(positions, series.values) if v is not None]
        if points:
            target.plot([p for p, _ in points], [v for _, v in points], marker="o",
                        color=COLOURS[(len(bars) + index) % len(COLOURS)], label=series.name)
        if series.right:
            target.set_ylim(0, 105)
            target.spines[["top"]].set_visible(False)
    handles = [h for axis in {ax, other} for h in axis.get_legend_handles_labels()[0]]
    if len(handles) > 1:
        ax.legend(handles=handles, fontsize=8, loc="upper left", frameon=False)


def png(panels: Sequence[Panel]) -> bytes | None:
    """The panels as one PNG; None without a CJK font or without panels."""
    if not panels or not available():
        return None
    buffer = io.BytesIO()
    # zlib's fastest level: a chart of flat colours compresses nearly as well, in a fifth of the time.
    figure(panels).savefig(buffer, format="png", pil_kwargs={"compress_level": 1})
    return buffer.getvalue()
