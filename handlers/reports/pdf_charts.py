"""The report's charts drawn into the PDF as vector shapes and text (fpdf2): the same panels
as the card's picture (handlers/reports/charts.py) — grouped bars with a rate on a right-hand
axis, or horizontal bars with their values. Drawn here rather than as a matplotlib PNG: the
picture cost ~0.25 s of a ~1 s export; these shapes cost a few milliseconds and print sharp."""
from __future__ import annotations

import math
from typing import Any, Sequence

from handlers.documents.pdf_text import Writer
from handlers.reports.charts import COLOURS, Panel

AXIS, GRID, INK, MUTED = "#8f959e", "#eceef1", "#1f2329", "#646a73"
TICKS = 5


def nice_top(value: float) -> float:
    """The axis' top: the smallest 1, 2, 2.5 or 5 × 10^k at or above `value` (1 for nothing)."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    return next(step * power for step in (1, 2, 2.5, 5, 10) if step * power >= value)


def number(value: float) -> str:
    return f"{value:,.1f}".removesuffix(".0") if value % 1 else f"{value:,.0f}"


def texts(panels: Sequence[Panel]) -> set[str]:
    """Every character the panels print (the embedded font must hold them)."""
    out = set("0123456789.,-% ")
    for panel in panels:
        out |= set(panel.title) | {ch for label in panel.labels for ch in label}
        out |= {ch for series in panel.series for ch in series.name}
    return out


def draw(w: Writer, panels: Sequence[Panel], top: float, left: float, right: float, height: float) -> None:
    """The panels one under another from `top` (mm), each `height` tall."""
    for index, panel in enumerate(panels):
        box = (left, top + index * height, right, top + (index + 1) * height - 8)
        (_horizontal if panel.horizontal else _vertical)(w, panel, box)


def _title(w: Writer, panel: Panel, box: tuple[float, float, float, float]) -> None:
    w.doc.set_text_color(INK)
    w.set_size(10)
    w.text(box[0], box[1] + 4, panel.title)
    w.set_size(7)


def _vertical(w: Writer, panel: Panel, box: tuple[float, float, float, float]) -> None:
    left, top, right, bottom = box
    _title(w, panel, box)
    x0, x1, y0, y1 = left + 16, right - 14, top + 10, bottom - 6
    bars = [s for s in panel.series if s.kind == "bar"]
    lines = [s for s in panel.series if s.kind == "line"]
    peak = nice_top(max((v or 0 for s in bars for v in s.values), default=0))
    w.doc.set_line_width(0.2)
    for k in range(TICKS + 1):
        y = y1 - (y1 - y0) * k / TICKS
        w.doc.set_draw_color(GRID if k else AXIS)
        w.doc.line(x0, y, x1, y)
        w.doc.set_text_color(MUTED)
        label = number(peak * k / TICKS)
        w.text(x0 - 1.5 - w.width(label), y + 1, label)
        if any(s.right for s in lines):
            w.text(x1 + 1.5, y + 1, number(100 * k / TICKS))
    count = max(len(panel.labels), 1)
    slot = (x1 - x0) / count
    width = slot * 0.8 / max(len(bars), 1)
    for i, label in enumerate(panel.labels):
        centre = x0 + slot * (i + 0.5)
        for j, series in enumerate(bars):
            value = series.values[i] or 0
            h = (y1 - y0) * value / peak
            w.doc.set_fill_color(COLOURS[j % len(COLOURS)])
            w.doc.rect(centre - slot * 0.4 + j * width, y1 - h, width, h, style="F")
        w.doc.set_text_color(MUTED)
        w.text(centre - w.width(label) / 2, y1 + 4, label)
    for j, series in enumerate(lines):
        scale = 100.0 if series.right else peak
        points = [(x0 + slot * (i + 0.5), y1 - (y1 - y0) * min(v, scale) / scale)
                  for i, v in enumerate(series.values) if v is not None]
        colour = COLOURS[(len(bars) + j) % len(COLOURS)]
        w.doc.set_draw_color(colour)
        w.doc.set_fill_color(colour)
        w.doc.set_line_width(0.5)
        if len(points) > 1:
            w.doc.polyline(points)
        for x, y in points:
            w.doc.circle(x - 0.8, y - 0.8, 0.8, style="F")   # x, y: the bounding box's upper left
    _legend(w, [s for s in panel.series if s.name], len(bars), right, top)


def _legend(w: Writer, series: Sequence[Any], bars: int, right: float, top: float) -> None:
    x = right
    lines = 0
    for item in reversed(series):
        colour = COLOURS[(series.index(item) if item.kind == "bar" else bars + lines) % len(COLOURS)]
        lines += item.kind == "line"
        x -= w.width(item.name) + 6
        w.doc.set_fill_color(colour)
        w.doc.rect(x, top + 1.6, 2.5, 2.5, style="F")
        w.doc.set_text_color(MUTED)
        w.text(x + 3.5, top + 4, item.name)


def _horizontal(w: Writer, panel: Panel, box: tuple[float, float, float, float]) -> None:
    left, top, right, bottom = box
    _title(w, panel, box)
    values = [v or 0 for v in (panel.series[0].values if panel.series else [])]
    x0 = left + max((w.width(label) for label in panel.labels), default=0) + 3
    x1, y0, y1 = right - 20, top + 8, bottom
    peak = nice_top(max(values, default=0))
    slot = (y1 - y0) / max(len(values), 1)
    w.doc.set_draw_color(AXIS)
    w.doc.set_line_width(0.2)
    w.doc.line(x0, y0, x0, y1)
    w.doc.set_fill_color(COLOURS[0])
    for i, (label, value) in enumerate(zip(panel.labels, values)):
        y = y0 + slot * i
        w.doc.rect(x0, y + slot * 0.15, (x1 - x0) * value / peak, slot * 0.7, style="F")
        w.doc.set_text_color(INK)
        w.text(x0 - 1.5 - w.width(label), y + slot * 0.5 + 1, label)
        w.doc.set_text_color(MUTED)
        w.text(x0 + (x1 - x0) * value / peak + 1.5, y + slot * 0.5 + 1, number(value))
