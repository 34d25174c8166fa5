"""The labelled messages the report classifier learns from (and is measured on).

A TSV file with a header: label (report | chatter), category and severity (for reports; "-"
for chatter), text. The training split ships beside this module; a held-out split that the
classifier never sees lives under tests/data/capture/."""
from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

TRAINING = Path(__file__).parent / "data" / "train.tsv"
LABELS = ("report", "chatter")


@dataclass(frozen=True)
class Example:
    text: str
    is_report: bool
    category: str | None    # a domain.enums.Category value, for reports
    severity: str | None    # a domain.enums.Severity value, for reports


def load(path: Path) -> list[Example]:
    """Every row of the file; a row with an unknown label stops with its line number."""
    examples = []
    with path.open(encoding="utf-8", newline="") as handle:
        for line, row in enumerate(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE), 2):
            if row["label"] not in LABELS:
                raise ValueError(f"{path.name}:{line}: label must be report or chatter, got {row['label']!r}")
            report = row["label"] == "report"
            examples.append(Example(row["text"], report, row["category"] if report else None,
                                    row["severity"] if report else None))
    return examples
