"""How well 报修 guesses a report's category and severity from its words.

Reads the labelled construction reports under tests/data/tickets/ (train.tsv: the set the
[tickets.vocabulary] and [tickets.severity] words were tuned on; heldout.tsv: never looked at
while tuning) and guesses each as 报修 does, with the configured words (config/default.toml,
or SITEBOT_CONFIG layered on it). Prints category and severity accuracy per file and per
category, and with --misses the reports guessed wrong.
Usage: python bench/ticket_categories.py [--misses] [--file heldout]
"""
from __future__ import annotations

import argparse
import csv
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.settings import load_settings  # noqa: E402
from domain.tickets.rules import TicketRules, guess_category, guess_severity  # noqa: E402

DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "tickets"


def labelled(name: str) -> list[tuple[str, str, str]]:
    """(category, severity, text) rows of tests/data/tickets/<name>.tsv."""
    with (DATA / f"{name}.tsv").open(encoding="utf-8", newline="") as handle:
        return [(row["category"], row["severity"], row["text"])
                for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)]


def accuracy(rows: list[tuple[str, str, str]], rules: TicketRules) -> tuple[float, float]:
    """(category accuracy, severity accuracy) over the rows."""
    category = sum(guess_category(text, rules).value == c for c, _, text in rows)
    severity = sum(guess_severity(text, rules).value == s for _, s, text in rows)
    return category / len(rows), severity / len(rows)


def report(name: str, rules: TicketRules, misses: bool) -> None:
    rows = labelled(name)
    category, severity = accuracy(rows, rules)
    print(f"{name}: {len(rows)} reports   category {category:6.1%}   severity {severity:6.1%}")
    right, total = Counter(), Counter()
    for c, _, text in rows:
        total[c] += 1
        right[c] += guess_category(text, rules).value == c
    print("  " + "   ".join(f"{c} {right[c]}/{total[c]}" for c in sorted(total)))
    if misses:
        for c, s, text in rows:
            got_c, got_s = guess_category(text, rules).value, guess_severity(text, rules).value
            if got_c != c or got_s != s:
                print(f"    {c}/{s} -> {got_c}/{got_s}: {text}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", action="store_true", help="list the reports guessed wrong")
    parser.add_argument("--file", choices=("train", "heldout"), action="append")
    args = parser.parse_args()
    rules = load_settings().tickets
    for name in args.file or ("train", "heldout"):
        report(name, rules, args.misses)


if __name__ == "__main__":
    main()
