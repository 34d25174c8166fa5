"""The fitted classifier as plain numbers, scored in pure Python (no scikit-learn at run time).

`python -m domain.capture.build` fits the models with scikit-learn and writes what they
learned as JSON (fitting.py); this module reads that file and does what scikit-learn's
`TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3), sublinear_tf=True)` followed by
`LogisticRegression` does at prediction time: the same lower-casing and character n-grams
inside word boundaries, tf = 1 + ln(count), times idf, L2-normalised, then a dot product with
the coefficients. tests/capture/test_model_file.py checks it reproduces scikit-learn's
probabilities on the held-out set to 1e-9."""
from __future__ import annotations

import hashlib
import json
import math
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

FORMAT = 1                  # bumped when the file's shape or the features change
NGRAMS = (1, 3)


def char_wb_ngrams(text: str) -> list[str]:
    """scikit-learn's `char_wb` analyzer (lowercase=True, no accent stripping): each word
    padded with one space on each side, n-grams taken inside it; a word shorter than n is
    counted once, whole."""
    low, high = NGRAMS
    grams: list[str] = []
    for word in text.lower().split():
        word = f" {word} "
        for n in range(low, high + 1):
            offset = 0
            grams.append(word[offset:offset + n])
            while offset + n < len(word):
                offset += 1
                grams.append(word[offset:offset + n])
            if offset == 0:
                break
    return grams


@dataclass(frozen=True)
class LinearTextModel:
    """One vectorizer and the linear model over it. `coefficients` has one row per class
    for a multi-class model, one row (the positive class) for a binary one."""
    vocabulary: dict[str, int]
    idf: list[float]
    coefficients: list[list[float]]
    intercepts: list[float]
    classes: list[Any]

    def features(self, text: str) -> dict[int, float]:
        """The TF-IDF row of `text`: column -> weight, L2-normalised (empty if no n-gram is known)."""
        counts: dict[int, int] = {}
        for gram in char_wb_ngrams(text):
            column = self.vocabulary.get(gram)
            if column is not None:
                counts[column] = counts.get(column, 0) + 1
        row = {column: (1.0 + math.log(count)) * self.idf[column] for column, count in counts.items()}
        norm = math.sqrt(sum(w * w for w in row.values()))
        return {column: w / norm for column, w in row.items()} if norm > 0 else row

    def decisions(self, text: str) -> list[float]:
        row = self.features(text)
        return [sum(weights[c] * w for c, w in row.items()) + intercept
                for weights, intercept in zip(self.coefficients, self.intercepts)]

    def probability(self, text: str) -> float:
        """A binary model's probability of its second class (scikit-learn's predict_proba[:, 1])."""
        decision = self.decisions(text)[0]
        # The logistic function, written so neither side overflows.
        if decision >= 0:
            return 1.0 / (1.0 + math.exp(-decision))
        e = math.exp(decision)
        return e / (1.0 + e)

    def predict(self, text: str) -> Any:
        decisions = self.decisions(text)
        if len(self.classes) == 2 and len(decisions) == 1:
            return self.classes[int(decisions[0] > 0)]
        return self.classes[max(range(len(decisions)), key=decisions.__getitem__)]

    def to_json(self) -> dict[str, Any]:
        terms = sorted(self.vocabulary, key=self.vocabulary.__getitem__)
        return {"terms": terms, "idf": self.idf, "coefficients": self.coefficients,
                "intercepts": self.intercepts, "classes": self.classes}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "LinearTextModel":
        terms = data["terms"]
        model = cls({term: i for i, term in enumerate(terms)}, [float(x) for x in data["idf"]],
                    [[float(x) for x in row] for row in data["coefficients"]],
                    [float(x) for x in data["intercepts"]], list(data["classes"]))
        if len(model.idf) != len(terms) or any(len(row) != len(terms) for row in model.coefficients):
            raise ValueError("the vocabulary, idf and coefficients disagree in length")
        return model


@dataclass(frozen=True)
class FittedModels:
    """Both models: is it a report (binary), and which category (trained on reports only)."""
    report: LinearTextModel
    category: LinearTextModel
    source: str                          # sha256 of the training file it was fitted on
    thresholds: dict[str, float]         # the defaults the shipped data was tuned for

    def to_json(self) -> dict[str, Any]:
        return {"format": FORMAT, "source": self.source, "thresholds": self.thresholds,
                "report": self.report.to_json(), "category": self.category.to_json()}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "FittedModels":
        if data.get("format") != FORMAT:
            raise ValueError(f"model file format {data.get('format')!r}, expected {FORMAT}")
        return cls(LinearTextModel.from_json(data["report"]), LinearTextModel.from_json(data["category"]),
                   str(data["source"]), dict(data.get("thresholds", {})))


def fingerprint(training: Path) -> str:
    return hashlib.sha256(training.read_bytes()).hexdigest()


def read(path: Path, training: Path) -> FittedModels | None:
    """The models in `path`; None when there is no file, or it was built from other data or
    in another format (then it is built again: see classifier.ReportClassifier.load)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        models = FittedModels.from_json(data)
    except FileNotFoundError:
        return None
    except (ValueError, KeyError, TypeError):
        return None
    return models if models.source == fingerprint(training) else None


def write(models: FittedModels, path: Path) -> None:
    """Atomically: a process reading it meanwhile sees the old file or the new one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, suffix=".tmp",
                                     delete=False) as handle:
        json.dump(models.to_json(), handle, ensure_ascii=False, separators=(",", ":"))
    os.chmod(handle.name, 0o644)   # a temporary file is made private; this one is not secret
    os.replace(handle.name, path)
