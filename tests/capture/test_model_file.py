"""The model is fitted at build time (`python -m domain.capture.build`) and only read at run
time: the pure-Python scorer gives scikit-learn's own probabilities, a process that classifies
never imports scikit-learn, and a skipped build is fitted once, in a worker thread, with one
warning."""
from __future__ import annotations

import json
import logging
import subprocess
import sys
from pathlib import Path

import pytest

from domain.capture import fitting, model
from domain.capture.build import build
from domain.capture.classifier import MODEL_FILE, ReportClassifier
from domain.capture.dataset import TRAINING, load
from tests.conftest import data_file

HELD_OUT = data_file("capture/heldout.tsv")
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("build") / "capture-model.json"
    assert build(path)
    return path


def test_pure_python_scores_are_scikit_learns(built):
    """On every held-out message: the probability of a report to 1e-9, and the same category."""
    report, category = fitting.fit_pipelines(load(TRAINING))
    texts = [e.text.strip() for e in load(HELD_OUT)]
    models = model.read(built, TRAINING)
    expected = report.predict_proba(texts)[:, 1]
    assert list(report.classes_) == [False, True]
    worst = max(abs(models.report.probability(t) - float(p)) for t, p in zip(texts, expected))
    assert worst < 1e-9, worst
    assert [models.category.predict(t) for t in texts] == list(category.predict(texts))
    # Not a trivial agreement: the scores spread over the whole range.
    assert min(expected) < 0.05 and max(expected) > 0.95


def test_the_file_holds_the_fitted_parameters(built):
    data = json.loads(built.read_text(encoding="utf-8"))
    assert data["source"] == model.fingerprint(TRAINING)
    assert data["thresholds"] == {"group": 0.6, "with_photo": 0.5, "addressed": 0.45}
    for part in ("report", "category"):
        terms, idf, coefficients = data[part]["terms"], data[part]["idf"], data[part]["coefficients"]
        assert len(terms) > 1000 and len(idf) == len(terms)
        assert all(len(row) == len(terms) for row in coefficients)
    assert len(data["category"]["coefficients"]) == len(data["category"]["classes"]) == 7
    assert not build(built)                      # current: left alone
    assert MODEL_FILE.relative_to(REPO).parts[:2] == ("var", "build")
    ignored = subprocess.run(["git", "check-ignore", "-q", str(MODEL_FILE)], cwd=REPO)
    assert ignored.returncode == 0


def test_classifying_never_imports_scikit_learn(built):
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from domain.capture.classifier import ReportClassifier\n"
        f"classifier = ReportClassifier(Path({str(built)!r}))\n"
        "verdict = classifier.judge('5号楼电梯口有钢筋没人管，很危险')\n"
        "assert verdict.score > 0.6 and verdict.category.value == 'safety', verdict\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('sklearn', 'scipy', 'numpy'))\n"
        "assert not loaded, loaded\n")
    subprocess.run([sys.executable, "-c", script], cwd=REPO, check=True, timeout=300)


def test_a_file_from_other_data_is_not_used(tmp_path, built):
    other = tmp_path / "train.tsv"
    other.write_text(TRAINING.read_text(encoding="utf-8") + "chatter\t-\t-\t今天天气不错\n", encoding="utf-8")
    assert model.read(built, TRAINING) is not None
    assert model.read(built, other) is None
    (tmp_path / "broken.json").write_text("{", encoding="utf-8")
    assert model.read(tmp_path / "broken.json", TRAINING) is None


def test_a_skipped_build_is_fitted_once_in_a_worker_thread_with_one_warning(tmp_path, caplog):
    missing = tmp_path / "var" / "build" / "capture-model.json"
    classifier = ReportClassifier(missing)
    with caplog.at_level(logging.WARNING, logger="domain.capture.classifier"):
        assert classifier.fit_now_if_unbuilt()             # at start-up, in the background
        classifier.judge("配电箱门开着，里面线头都露在外面")   # waits for that fit, starts no other
        classifier.judge("二层楼板那个预留洞口没盖板")
        assert not classifier.fit_now_if_unbuilt()
    [warning] = [r for r in caplog.records if r.levelno == logging.WARNING]   # one fit, one line
    assert warning.threadName == "capture-fit" and "\n" not in warning.getMessage()
    assert "python -m domain.capture.build" in warning.getMessage()
    assert classifier.ready and not missing.exists()


def test_with_a_build_nothing_is_fitted_at_start_up(built):
    assert not ReportClassifier(built).fit_now_if_unbuilt()
