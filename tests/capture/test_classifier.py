"""The classifier's targets on messages it never saw (the held-out set written for this
project, tests/data/capture/heldout.tsv) and by cross-validation: at least 90 % of reports
offered, under 5 % of chatter. And start-up never pays for scikit-learn."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from domain.capture.build import build
from domain.capture.classifier import ReportClassifier, Verdict
from domain.capture.dataset import TRAINING, load
from domain.capture.evaluate import cross_validate, measure
from domain.capture.proposals import Next, decide
from domain.capture.rules import CaptureRules
from domain.enums import Category
from tests.conftest import data_file

HELD_OUT = data_file("capture/heldout.tsv")
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def classifier(tmp_path_factory) -> ReportClassifier:
    """What the bot runs: the build step's file, scored in pure Python."""
    path = tmp_path_factory.mktemp("build") / "capture-model.json"
    assert build(path)
    return ReportClassifier(path)


def test_the_sets_are_big_enough_and_disjoint():
    train, held_out = load(TRAINING), load(HELD_OUT)
    assert len(held_out) >= 300 and len(train) + len(held_out) >= 400
    for examples in (train, held_out):
        assert 0.3 < sum(e.is_report for e in examples) / len(examples) < 0.6
        assert all(Category(e.category) for e in examples if e.is_report)
    assert not {e.text for e in train} & {e.text for e in held_out}


def test_held_out_targets(classifier):
    rates = measure(classifier, load(HELD_OUT))
    assert rates.offer_rate >= 0.90, rates
    assert rates.false_alarm_rate < 0.05, rates


def test_cross_validated_targets():
    rates = cross_validate(load(TRAINING) + load(HELD_OUT), folds=5)
    assert rates.reports + rates.chatter >= 900
    assert rates.offer_rate >= 0.90 and rates.false_alarm_rate < 0.05, rates


@pytest.mark.parametrize("text", ["工单太多了", "收到", "3楼漏水那个已经修好了", "通知：明天停电，上午8点到12点",
                                  "我投诉老王打呼噜哈哈", "T-12已经处理了", "严禁酒后上岗"])
def test_near_misses_score_nothing(classifier, text):
    assert classifier.judge(text).score == 0.0


def test_the_issue_example_is_safety(classifier):
    verdict = classifier.judge("5号楼电梯口有钢筋没人管，很危险")
    assert verdict.score >= CaptureRules().thresholds.group and verdict.category is Category.SAFETY


def test_a_photo_or_asking_the_bot_needs_less():
    rules = CaptureRules()
    borderline = Verdict(0.55, Category.QUALITY, "model")
    assert decide(borderline, rules, photo=False, addressed=False) is Next.WAIT
    assert decide(borderline, rules, photo=True, addressed=False) is Next.OFFER
    assert decide(borderline, rules, photo=False, addressed=True) is Next.OFFER
    assert decide(Verdict(0.3, Category.QUALITY, "model"), rules, photo=True, addressed=True) is Next.NOTHING


def test_start_up_does_not_import_scikit_learn(tmp_path):
    """The CLI and the whole app as `sitebot serve` builds it: the model is read on first use."""
    script = (
        "import sys\n"
        "from bot.app import create_app\n"
        "from bot.settings import load_settings\n"
        f"create_app(load_settings(env={{'SITEBOT_DATABASE_URL': 'sqlite+aiosqlite:///{tmp_path}/s.db'}}),"
        " run_worker=False)\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('sklearn', 'scipy'))\n"
        "assert not loaded, loaded\n")
    subprocess.run([sys.executable, "-c", script], cwd=REPO, check=True, timeout=300)
    timing = subprocess.run([sys.executable, "-X", "importtime", "-m", "bot.cli", "--help"], cwd=REPO,
                            capture_output=True, text=True, timeout=300, check=True)
    assert "sklearn" not in timing.stderr
