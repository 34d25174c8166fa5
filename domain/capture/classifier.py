"""Does a plain sentence read like a problem report, and which category would it get?

A character n-gram (1–3) TF-IDF + logistic regression model, fitted at build time
(`python -m domain.capture.build`, run by `make`) from the shipped examples and written as
JSON under var/build/; here it is read on first use and scored in pure Python (model.py), so
a serving process never imports scikit-learn. Rules (cues.py) veto what the model cannot know
(a fixed problem, a notice, talk about tickets) and lift unmistakable alarms."""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from domain.capture import cues, model
from domain.capture.dataset import TRAINING, Example
from domain.capture.model import FittedModels
from domain.capture.rules import CaptureRules, Thresholds
from domain.enums import Category

__all__ = ["CaptureRules", "MODEL_FILE", "ReportClassifier", "Thresholds", "Verdict", "shared"]

log = logging.getLogger(__name__)

# Build output, ignored by git: <checkout>/var/build/ (sitebot is installed editable).
MODEL_FILE = Path(__file__).resolve().parents[2] / "var" / "build" / "capture-model.json"


@dataclass(frozen=True)
class Verdict:
    score: float            # 0..1: how much it reads like a problem report
    category: Category      # what the model would file it under
    why: str                # "model", "alarm", or the veto (cues.veto) that set it to 0


class ReportClassifier:
    """`examples`: fit on these instead (cross-validation, tests); otherwise the model file
    built from `training`."""

    def __init__(self, path: Path = MODEL_FILE, training: Path = TRAINING,
                 examples: list[Example] | None = None) -> None:
        self._path, self._training, self._examples = path, training, examples
        self._models: FittedModels | None = None
        self._lock = threading.Lock()

    @property
    def ready(self) -> bool:
        return self._models is not None

    @property
    def built(self) -> bool:
        """Whether loading needs no fit: the build's file is there (and made from this data)."""
        return self._examples is None and model.read(self._path, self._training) is not None

    def fit_now_if_unbuilt(self) -> bool:
        """At start-up: with no built file, fit in a background thread now (one warning), so
        no message waits for the fit inside its transaction; with one, nothing (it is read on
        first use). True when a fit was started."""
        if self.ready or self._examples is not None or self._path.exists():
            return False
        threading.Thread(target=self.load, name="capture-fit", daemon=True).start()
        return True

    def load(self) -> None:
        """Read the built model; blocking, so call it from a worker thread. Without the file
        (the build was skipped) the model is fitted here once, with one warning. Safe to call
        from several threads and more than once."""
        with self._lock:
            if self._models is not None:
                return
            found = model.read(self._path, self._training) if self._examples is None else None
            if found is None:
                from domain.capture import fitting   # scikit-learn: only when nothing was built
                if self._examples is None:
                    log.warning("capture: no built model at %s (or built from other data); fitting one in "
                                "this process, which loads scikit-learn — run `python -m domain.capture.build`"
                                " (make does) to avoid it", self._path)
                found = fitting.fit(self._examples, self._training)
            self._models = found

    def judge(self, text: str) -> Verdict:
        self.load()
        models = self._models
        text = text.strip()
        vetoed = cues.veto(text)
        category = Category(models.category.predict(text))
        if vetoed is not None:
            return Verdict(0.0, category, vetoed)
        score = models.report.probability(text)
        if cues.alarm(text) and score < cues.ALARM_FLOOR:
            return Verdict(cues.ALARM_FLOOR, category, "alarm")
        return Verdict(score, category, "model")


@cache
def shared() -> ReportClassifier:
    """The process's classifier over the built model: read once, on first use."""
    return ReportClassifier()
