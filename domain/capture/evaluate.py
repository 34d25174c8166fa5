"""How well the classifier does on labelled messages: the share of reports it would offer to
file and the share of chatter it would wrongly offer (false alarms), on a held-out set and by
k-fold cross-validation. Used by bench/capture.py and the tests."""
from __future__ import annotations

from dataclasses import dataclass

from domain.capture.classifier import ReportClassifier
from domain.capture.dataset import Example
from domain.capture.rules import Thresholds


@dataclass(frozen=True)
class Rates:
    reports: int
    chatter: int
    offered: int          # reports that would get the offer
    false_alarms: int     # chatter that would get it
    category_right: int   # offered reports whose category matches the label

    @property
    def offer_rate(self) -> float:
        return self.offered / self.reports if self.reports else 0.0

    @property
    def false_alarm_rate(self) -> float:
        return self.false_alarms / self.chatter if self.chatter else 0.0

    @property
    def category_accuracy(self) -> float:
        return self.category_right / self.offered if self.offered else 0.0

    def __add__(self, other: "Rates") -> "Rates":
        return Rates(*(a + b for a, b in zip(self.fields(), other.fields())))

    def fields(self) -> tuple[int, ...]:
        return (self.reports, self.chatter, self.offered, self.false_alarms, self.category_right)


def measure(classifier: ReportClassifier, examples: list[Example], *, photo: bool = False,
            addressed: bool = False, thresholds: Thresholds = Thresholds()) -> Rates:
    needed = thresholds.needed(photo=photo, addressed=addressed)
    offered = false_alarms = category_right = 0
    for example in examples:
        verdict = classifier.judge(example.text)
        if verdict.score < needed:
            continue
        if example.is_report:
            offered += 1
            category_right += verdict.category.value == example.category
        else:
            false_alarms += 1
    reports = sum(e.is_report for e in examples)
    return Rates(reports, len(examples) - reports, offered, false_alarms, category_right)


def cross_validate(examples: list[Example], folds: int = 5, **how: bool) -> Rates:
    """Every example is measured once, by a classifier trained on the other folds (folds are
    taken by position within each label, so each has its share of reports)."""
    total = Rates(0, 0, 0, 0, 0)
    for fold in range(folds):
        held, rest = [], []
        for label in (True, False):
            same = [e for e in examples if e.is_report is label]
            held += same[fold::folds]
            rest += [e for i, e in enumerate(same) if i % folds != fold]
        total += measure(ReportClassifier(examples=rest), held, **how)
    return total
