"""Capture configuration ([capture] in config/default.toml) as typed values: the scores an
offer needs, how often a person may be offered unasked, and how long an unanswered proposal
is kept."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Thresholds:
    """Score needed for an offer. A photo sent just before or after, or a message addressed
    to the bot, is itself a sign that something is being reported, so less is needed."""
    group: float = 0.6
    with_photo: float = 0.5
    addressed: float = 0.45

    @property
    def lowest(self) -> float:
        """Below this nothing is ever offered."""
        return min(self.group, self.with_photo, self.addressed)

    def needed(self, *, photo: bool, addressed: bool) -> float:
        return min([self.group] + [self.with_photo] * photo + [self.addressed] * addressed)


@dataclass(frozen=True)
class CaptureRules:
    offer_every_minutes: int = 5     # at most one unasked offer per person in this long
    thresholds: Thresholds = field(default_factory=Thresholds)
    # A proposal (or a 报修 project picker) nobody answered is dropped after this many days;
    # a press on it then says it is gone.
    keep_unanswered_days: int = 7


def parse_capture(section: dict[str, Any]) -> CaptureRules:
    """Raises ValueError with a one-line message naming the key."""
    default = CaptureRules()
    known = {"offer_every_minutes", "group_threshold", "with_photo_threshold", "addressed_threshold",
             "keep_unanswered_days"}
    unknown = sorted(set(section) - known)
    if unknown:
        raise ValueError(f"capture.{unknown[0]}: unknown key (known: {', '.join(sorted(known))})")
    scores = {name: _score(section, f"{name}_threshold", getattr(default.thresholds, name))
              for name in ("group", "with_photo", "addressed")}
    for name in ("with_photo", "addressed"):
        if scores[name] > scores["group"]:
            raise ValueError(f"capture.{name}_threshold: a photo or asking the bot needs less, not more, "
                             f"than group_threshold ({scores['group']}), got {scores[name]}")
    return CaptureRules(
        offer_every_minutes=_whole(section, "offer_every_minutes", default.offer_every_minutes, 1, 1440),
        thresholds=Thresholds(**scores),
        keep_unanswered_days=_whole(section, "keep_unanswered_days", default.keep_unanswered_days, 1, 366))


def _score(section: dict[str, Any], key: str, default: float) -> float:
    value = section.get(key, default)
    if not isinstance(value, (int, float)) or isinstance(value, bool) or not 0 < value <= 1:
        raise ValueError(f"capture.{key}: expected a score above 0 and at most 1, got {value!r}")
    return float(value)


def _whole(section: dict[str, Any], key: str, default: int, low: int, high: int) -> int:
    value = section.get(key, default)
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise ValueError(f"capture.{key}: expected a whole number {low}-{high}, got {value!r}")
    return value
