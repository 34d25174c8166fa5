"""Which category and severity a report's words point to, by weighing keyword hits.

The first-hit-in-config-order rule sent "塔吊检修停工" to whichever list came first and anything
without a listed word to 协调. Here every category's words are looked for; a longer word that
covers a shorter one's place counts instead of it ("漏电保护器" is not "漏电" + "保护"), each hit
weighs its length (more characters say more), and the highest total wins; ties go to config
order. Measured on tests/data/tickets/ by bench/ticket_categories.py."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import lru_cache


@lru_cache(maxsize=64)
def _lowered(words: tuple[str, ...]) -> tuple[str, ...]:
    """A configured word list, lower-cased and without repeats, once (every report reads
    every list: lowering a few hundred words each time was most of the guessing)."""
    return tuple(dict.fromkeys(w.lower() for w in words if w))


def hits(text: str, words: Iterable[str]) -> list[tuple[int, int, str]]:
    """(start, end, word) of every occurrence, lower-cased, in text order."""
    lowered = text.lower()
    found = []
    for word in _lowered(words if isinstance(words, tuple) else tuple(words)):
        start = lowered.find(word)
        while start >= 0:
            found.append((start, start + len(word), word))
            start = lowered.find(word, start + 1)
    return sorted(found)


def scores(text: str, vocabulary: Mapping[str, Iterable[str]]) -> dict[str, int]:
    """Category -> summed length of its words' hits, a hit dropped when a longer hit (of any
    category) covers it."""
    tagged = [(start, end, word, category) for category, words in vocabulary.items()
              for start, end, word in hits(text, words)]
    totals: dict[str, int] = {}
    for start, end, word, category in tagged:
        covered = any(s <= start and end <= e and (e - s) > (end - start) for s, e, _, _ in tagged)
        if not covered:
            totals[category] = totals.get(category, 0) + (end - start)
    return totals


def best(text: str, vocabulary: Mapping[str, Iterable[str]]) -> str | None:
    """The category with the highest score (the earlier in config on a tie); None without a hit."""
    totals = scores(text, vocabulary)
    if not totals:
        return None
    order = list(vocabulary)
    return max(totals, key=lambda c: (totals[c], -order.index(c)))
