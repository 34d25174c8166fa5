"""Build step: fit the report classifier with scikit-learn from the shipped examples and write
what it learned as JSON, where the running bot reads it (classifier.MODEL_FILE, ignored by git).

Run by `make` right after installing (and so by CI through `make test`):
    python -m domain.capture.build [--out PATH] [--force]
Without --force an up-to-date file (same format, fitted on the same data) is left alone."""
from __future__ import annotations

import argparse
import time
from pathlib import Path

from domain.capture import model
from domain.capture.classifier import MODEL_FILE
from domain.capture.dataset import TRAINING


def build(out: Path = MODEL_FILE, training: Path = TRAINING, *, force: bool = False) -> bool:
    """True when a file was written; False when the one there was already current."""
    if not force and model.read(out, training) is not None:
        return False
    from domain.capture import fitting
    model.write(fitting.fit(training=training), out)
    return True


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m domain.capture.build", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=MODEL_FILE)
    parser.add_argument("--force", action="store_true", help="fit again even if the file is current")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    wrote = build(args.out, force=args.force)
    took = time.perf_counter() - started
    print(f"capture model: {'written' if wrote else 'up to date'}: {args.out} "
          f"({args.out.stat().st_size / 1024:.0f} KiB, {took:.1f} s)")


if __name__ == "__main__":
    main()
