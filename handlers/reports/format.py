"""Figures as people read them: units, the arrow against the previous period and whether the
change is for the better (domain/reports/figures.py decides which way is better)."""
from __future__ import annotations

from decimal import Decimal
from typing import Callable

from domain.finance.money import format_money, format_wan
from domain.reports.figures import Figure, Value

Translate = Callable[..., str]
ARROWS = {"up": "↑", "down": "↓", "same": "→"}


def value_text(t: Translate, unit: str, value: Value, short: bool = False) -> str:
    if value is None:
        return "—"
    if unit == "money":
        return format_wan(Decimal(value)) if short else format_money(Decimal(value))
    if unit == "percent":
        return f"{value:.1f}%"
    if unit == "nps":
        return f"{value:+d}"
    if unit in ("hours", "days"):
        return t(f"reports.unit.{unit}", value=f"{value:.1f}".removesuffix(".0"))
    if unit == "score":
        return f"{value:.2f}".rstrip("0").rstrip(".")
    return f"{value:g}" if isinstance(value, float) else str(value)


def mark(figure: Figure, colour: bool = True) -> str:
    """"↑🟢" better, "↓🔴" worse, "→" the same, "" when there is nothing to compare
    (`colour` False: the arrow alone, for places without emoji such as the PDF)."""
    if figure.direction is None:
        return ""
    dot = {True: "🟢", False: "🔴"}.get(figure.good, "") if colour and figure.direction != "same" else ""
    return ARROWS[figure.direction] + dot


def figure_text(t: Translate, figure: Figure) -> str:
    """"85.0% ↑🟢（上期 80.0%）" — the value, the arrow, the previous period's value."""
    unit = figure.definition.unit
    if figure.now is None and figure.before is None:
        return "—"
    now = value_text(t, unit, figure.now, short=True)
    arrow = mark(figure)
    return t("reports.figure_line", value=now, arrow=f" {arrow}" if arrow else "",
             before=value_text(t, unit, figure.before, short=True))
