"""Fitting the classifier with scikit-learn: at build time (`python -m domain.capture.build`),
in the benchmark and the tests, and — only when someone skipped the build — once per process
in a worker thread. Nothing at run time imports this module otherwise, so a serving process
never carries scikit-learn. What the fit learned is handed over as plain numbers (model.py)."""
from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Any

from domain.capture.dataset import TRAINING, Example, load
from domain.capture.model import NGRAMS, FittedModels, LinearTextModel, fingerprint
from domain.capture.rules import Thresholds


def pipeline(**regression: Any) -> Any:
    # Imported here: importing this module costs nothing until a fit is asked for.
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    return make_pipeline(TfidfVectorizer(analyzer="char_wb", ngram_range=NGRAMS, sublinear_tf=True),
                         LogisticRegression(C=10, max_iter=1000, **regression))


def fit_pipelines(examples: list[Example]) -> tuple[Any, Any]:
    """The two scikit-learn pipelines: is it a report, and (fitted on reports) which category."""
    from threadpoolctl import threadpool_limits  # installed with scikit-learn
    texts = [e.text for e in examples]
    reports = [e for e in examples if e.is_report]
    # One BLAS thread: on a busy machine the default pool made a 0.3 s fit take seconds.
    with threadpool_limits(1):
        report_model = pipeline(class_weight="balanced").fit(texts, [e.is_report for e in examples])
        category_model = pipeline().fit([e.text for e in reports], [e.category for e in reports])
    return report_model, category_model


def exported(fitted: Any) -> LinearTextModel:
    """A fitted pipeline's parameters as plain Python numbers."""
    vectorizer, regression = fitted.steps[0][1], fitted.steps[1][1]
    return LinearTextModel(
        vocabulary={str(term): int(column) for term, column in vectorizer.vocabulary_.items()},
        idf=[float(x) for x in vectorizer.idf_],
        coefficients=[[float(x) for x in row] for row in regression.coef_],
        intercepts=[float(x) for x in regression.intercept_],
        classes=[c.item() if hasattr(c, "item") else c for c in regression.classes_])


def fit(examples: list[Example] | None = None, training: Path = TRAINING) -> FittedModels:
    """Fit on `examples` (default: the shipped training file) and export both models."""
    report_model, category_model = fit_pipelines(examples if examples is not None else load(training))
    return FittedModels(exported(report_model), exported(category_model), fingerprint(training),
                        asdict(Thresholds()))
