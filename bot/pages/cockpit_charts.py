"""Geometry of the cockpit's charts, drawn by the template as inline SVG and CSS bars (no
script, no image to fetch: the page's content security policy allows neither, and a phone
draws them crisply at any width)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

WIDTH, HEIGHT, BOTTOM, TOP = 340, 170, 22, 10


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    w: float
    h: float
    colour: str
    title: str


@dataclass(frozen=True)
class Trend:
    bars: list[Rect] = field(default_factory=list)
    line: str = ""                                   # polyline points of the rate (0–100 %)
    dots: list[tuple[float, float, str]] = field(default_factory=list)
    labels: list[tuple[float, str]] = field(default_factory=list)
    top: float = 0                                   # the count at the top of the chart


def trend(labels: Sequence[str], series: Sequence[tuple[str, Sequence[float | None], str]],
          rate: Sequence[float | None] = ()) -> Trend:
    """Grouped bars (counts) per period, and a rate line on a 0–100 scale."""
    top = max([v or 0 for _, values, _ in series for v in values] + [1])
    slot = WIDTH / max(len(labels), 1)
    bar = slot * 0.7 / max(len(series), 1)
    plot = HEIGHT - BOTTOM - TOP
    bars, dots, points = [], [], []
    for index, label in enumerate(labels):
        left = index * slot + slot * 0.15
        for number, (name, values, colour) in enumerate(series):
            value = values[index] or 0
            h = plot * value / top
            bars.append(Rect(round(left + number * bar, 1), round(TOP + plot - h, 1), round(bar - 1, 1),
                             round(h, 1), colour, f"{label} {name} {value:g}"))
        if index < len(rate) and rate[index] is not None:
            x, y = round(index * slot + slot / 2, 1), round(TOP + plot * (1 - rate[index] / 100), 1)
            points.append(f"{x},{y}")
            dots.append((x, y, f"{label} {rate[index]:.1f}%"))
    return Trend(bars, " ".join(points), dots,
                 [(round(i * slot + slot / 2, 1), label) for i, label in enumerate(labels)], top)


@dataclass(frozen=True)
class Share:
    label: str
    value: float
    text: str
    percent: float           # of the largest, for the bar's width


def shares(items: Sequence[tuple[str, float, str]]) -> list[Share]:
    top = max([value for _, value, _ in items] + [0]) or 1
    return [Share(label, value, text, round(100 * value / top, 1)) for label, value, text in items]
