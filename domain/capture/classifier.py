"""Does a plain sentence read like a problem report, and which category would it get?

A character n-gram (1–3) TF-IDF + logistic regression model, trained from the shipped
examples the first time it is needed (well under a second; never at import or start-up, so
scikit-learn is not even imported until then), then kept in memory. Rules (cues.py) veto what
the model cannot know (a fixed problem, a notice, talk about tickets) and lift unmistakable
alarms. Nothing is downloaded: the model is made here from data/train.tsv."""
from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from domain.capture import cues
from domain.capture.dataset import TRAINING, Example, load
from domain.enums import Category


@dataclass(frozen=True)
class Verdict:
    score: float            # 0..1: how much it reads like a problem report
    category: Category      # what the model would file it under
    why: str                # "model", "alarm", or the veto (cues.veto) that set it to 0


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


class ReportClassifier:
    def __init__(self, training: Path = TRAINING, examples: list[Example] | None = None) -> None:
        self._training, self._examples = training, examples
        self._models: tuple[Any, Any] | None = None
        self._lock = threading.Lock()

    @property
    def trained(self) -> bool:
        return self._models is not None

    def train(self) -> None:
        """Fit both models (safe to call from a worker thread, and more than once)."""
        with self._lock:
            if self._models is None:
                self._models = _fit(self._examples if self._examples is not None else load(self._training))

    def judge(self, text: str) -> Verdict:
        self.train()
        report_model, category_model = self._models
        text = text.strip()
        vetoed = cues.veto(text)
        category = Category(category_model.predict([text])[0])
        if vetoed is not None:
            return Verdict(0.0, category, vetoed)
        score = float(report_model.predict_proba([text])[0][1])
        if cues.alarm(text) and score < cues.ALARM_FLOOR:
            return Verdict(cues.ALARM_FLOOR, category, "alarm")
        return Verdict(score, category, "model")


def _pipeline(**regression: Any) -> Any:
    # Imported here, not at the top: start-up must not pay for scikit-learn.
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    return make_pipeline(TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3), sublinear_tf=True),
                         LogisticRegression(C=10, max_iter=1000, **regression))


def _fit(examples: list[Example]) -> tuple[Any, Any]:
    from threadpoolctl import threadpool_limits  # installed with scikit-learn
    texts = [e.text for e in examples]
    reports = [e for e in examples if e.is_report]
    # One BLAS thread: on a busy machine the default pool made a 0.3 s fit take seconds.
    with threadpool_limits(1):
        report_model = _pipeline(class_weight="balanced").fit(texts, [e.is_report for e in examples])
        category_model = _pipeline().fit([e.text for e in reports], [e.category for e in reports])
    return report_model, category_model


@cache
def shared() -> ReportClassifier:
    """The process's classifier over the shipped examples: trained once, on first use."""
    return ReportClassifier()
