"""Ticket rules from configuration: guessing category and severity, SLA windows, assignment.

Pure functions over plain values, so they are tested without a database.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from domain.enums import Category, Role, Severity


@dataclass(frozen=True)
class SlaWindow:
    accept_minutes: int
    resolve_minutes: int


def _default_sla() -> dict[str, SlaWindow]:
    return {"high": SlaWindow(30, 240), "medium": SlaWindow(120, 1440), "low": SlaWindow(480, 4320)}


@dataclass(frozen=True)
class TicketRules:
    sla: dict[str, SlaWindow] = field(default_factory=_default_sla)
    vocabulary: dict[str, tuple[str, ...]] = field(default_factory=dict)
    severity_words: dict[str, tuple[str, ...]] = field(default_factory=dict)
    assignment: dict[str, str] = field(default_factory=dict)

    def problems(self) -> list[str]:
        """Names of config entries that do not fit the business vocabulary."""
        out = [f"tickets.vocabulary.{c}: unknown category" for c in self.vocabulary
               if c not in Category.__members__.values()]
        out += [f"tickets.severity.{s}: expected high or low" for s in self.severity_words
                if s not in ("high", "low")]
        for category, role in self.assignment.items():
            if category not in Category.__members__.values():
                out.append(f"tickets.assignment.{category}: unknown category")
            elif role not in Role.__members__.values():
                out.append(f"tickets.assignment.{category}: unknown role {role!r}")
        return out


def guess_category(text: str, rules: TicketRules) -> Category:
    """First category in config order whose vocabulary appears in the text; else coordination."""
    lowered = text.lower()
    for category, words in rules.vocabulary.items():
        if any(word.lower() in lowered for word in words):
            return Category(category)
    return Category.COORDINATION


def guess_severity(text: str, rules: TicketRules) -> Severity:
    """Low words are checked before high ones so that "不急" does not count as "急"."""
    lowered = text.lower()
    for level in ("low", "high"):
        if any(word.lower() in lowered for word in rules.severity_words.get(level, ())):
            return Severity(level)
    return Severity.MEDIUM


def sla_due(severity: Severity, start: datetime, rules: TicketRules) -> tuple[datetime, datetime]:
    """(accept by, resolve by) counted from `start` in wall-clock time."""
    window = rules.sla[severity.value]
    return (start + timedelta(minutes=window.accept_minutes),
            start + timedelta(minutes=window.resolve_minutes))


def assignee_role(category: Category, rules: TicketRules,
                  project_rules: dict[str, str] | None = None) -> Role:
    """The project's own rule wins, then config, then the project manager."""
    role = (project_rules or {}).get(category.value) or rules.assignment.get(category.value)
    return Role(role) if role else Role.PROJECT_MANAGER
