"""How often plain group messages would get the "要登记为工单吗？" offer.

Fits the classifier from the shipped examples (domain/capture/data/train.tsv) as the build
step does, into a temporary file, reads it back as the bot does (pure Python), and measures
the held-out set it never saw (tests/data/capture/heldout.tsv), then 5-fold cross-validation
over both files together. Prints, for a group message, a message with a photo just before or
after, and one addressed to the bot: the offer rate (share of reports offered) and the
false-alarm rate (share of chatter offered), plus how often the proposed category matches
the label, how long the build's fit took, reading the file, and scoring one message.
With --rss: instead, the resident memory of `sitebot serve --demo` when idle and after its
first plain sentence was classified (what the model costs a serving process).
Usage: python bench/capture.py [--folds 5] [--rss]
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from domain.capture.build import build  # noqa: E402
from domain.capture.classifier import ReportClassifier  # noqa: E402
from domain.capture.dataset import TRAINING, load  # noqa: E402
from domain.capture.evaluate import Rates, cross_validate, measure  # noqa: E402

HELD_OUT = Path(__file__).resolve().parent.parent / "tests" / "data" / "capture" / "heldout.tsv"
CASES = {"group": {}, "group + photo": {"photo": True}, "addressed": {"addressed": True}}


def line(name: str, rates: Rates) -> str:
    return (f"  {name:<14} offered {rates.offered:>3}/{rates.reports:<3} = {rates.offer_rate:6.1%}   "
            f"false alarms {rates.false_alarms:>3}/{rates.chatter:<3} = {rates.false_alarm_rate:5.1%}   "
            f"category right {rates.category_accuracy:5.1%}")


def rss_after_first_classification() -> None:
    import os
    import startup   # bench/startup.py: start, stop, rss_mib, free_port
    with tempfile.TemporaryDirectory() as tmp:
        port, log = startup.free_port(), Path(tmp) / "serve.log"
        env = {**os.environ, "SITEBOT_PORT": str(port), "SITEBOT_DATABASE_URL": f"sqlite+aiosqlite:///{tmp}/b.db",
               "SITEBOT_LINK_SECRET": "bench-link-secret-0123456789"}
        proc, _ = startup.start([sys.executable, "-m", "bot.cli", "serve", "--demo"], env, port, log)
        try:
            time.sleep(1)
            idle = startup.rss_mib(proc.pid)
            started = time.perf_counter()
            _post(f"http://127.0.0.1:{port}/console/api/messages",
                  {"user": "u-li", "chat": "p001-site", "text": "5号楼电梯口有钢筋没人管，很危险"})
            _until_proposed(port)
            waited = time.perf_counter() - started
            first = startup.rss_mib(proc.pid)
        finally:
            startup.stop(proc, log)
    print(f"sitebot serve --demo: RSS idle {idle:.1f} MiB, after the first classification {first:.1f} MiB "
          f"(+{first - idle:.1f}); the proposal came {waited:.2f} s after the message")


def _post(url: str, body: dict) -> None:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    urllib.request.urlopen(request, timeout=120).read()   # a first message that fits a model is slow


def _until_proposed(port: int) -> None:
    started = time.perf_counter()
    while time.perf_counter() - started < 120:
        url = f"http://127.0.0.1:{port}/console/api/history?chat=p001-site&user=u-li"
        with urllib.request.urlopen(url, timeout=10) as answer:
            if "要登记为工单吗" in json.dumps(json.load(answer), ensure_ascii=False):
                return
        time.sleep(0.02)
    raise SystemExit("no proposal within 120 s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--rss", action="store_true")
    args = parser.parse_args()
    if args.rss:
        rss_after_first_classification()
        return
    train, held_out = load(TRAINING), load(HELD_OUT)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "capture-model.json"
        started = time.perf_counter()
        import sklearn.feature_extraction.text, sklearn.linear_model  # noqa: E401,F401 - timed apart
        imported = time.perf_counter()
        build(path, force=True)
        built = time.perf_counter()
        classifier = ReportClassifier(path)
        classifier.load()
        loaded = time.perf_counter()
        size = path.stat().st_size
    for example in held_out:
        classifier.judge(example.text)
    scored = time.perf_counter()
    print(f"training set {len(train)} messages ({sum(e.is_report for e in train)} reports), "
          f"held-out {len(held_out)} ({sum(e.is_report for e in held_out)} reports)")
    print(f"build: importing scikit-learn {(imported - started) * 1000:.0f} ms, fitting and writing "
          f"{(built - imported) * 1000:.0f} ms ({size / 1024:.0f} KiB); "
          f"run time: reading it {(loaded - built) * 1000:.0f} ms, "
          f"{(scored - loaded) / len(held_out) * 1e6:.0f} µs a message")
    print("held-out (never trained on):")
    for name, how in CASES.items():
        print(line(name, measure(classifier, held_out, **how)))
    print(f"{args.folds}-fold cross-validation over all {len(train) + len(held_out)} messages:")
    for name, how in CASES.items():
        print(line(name, cross_validate(train + held_out, args.folds, **how)))


if __name__ == "__main__":
    main()
