"""Try a change to lesson 07's preprocessing on the *tuning* half of the real digits only.

    python experiments/own_digits_tuning.py [--half tuning] [--set NAME=VALUE ...] [--model PATH]

bench/own_digits.py splits the real pictures' source repositories, by a hash of their names,
into a tuning half and a held-out half. Study misses and compare variants here, on the tuning
half; run bench/own_digits.py (both halves) only for a change you have already decided on,
so the held-out figure stays honest. Each --set overrides a constant of
`mnist_course.pictures.digit_tools` for one run (for example --set STROKE=0.08), compared with the
course as it is; the script prints, per variant, the pictures read and the ones missed.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np
from own_digits import half_of, real_set

from mnist_course.pictures import digit_tools
from mnist_course.course import load_lesson
from mnist_course.training.pipeline import latest_model, load_model


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--half", choices=("tuning", "held-out"), default="tuning")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE")
    parser.add_argument("--model", type=Path)
    args = parser.parse_args()
    lesson = load_lesson(ROOT / "solutions", "07")
    model = load_model(args.model or latest_model(ROOT))
    folders = ((os.environ.get("MNIST_COURSE_DIGITS") or ROOT.parent / "shared" / "digits", "labels.csv"),
               (os.environ.get("MNIST_COURSE_DIGITS2") or ROOT.parent / "shared" / "digits2", "sources.csv"))  # fmt: skip
    items = []
    for folder, listing in folders:
        found = real_set(Path(folder), listing)
        if found:
            items += [(path, label) for path, label, source in zip(*found) if half_of(source) == args.half]
    if not items:
        raise SystemExit("own_digits_tuning: no real digits found (set MNIST_COURSE_DIGITS / MNIST_COURSE_DIGITS2)")
    greys = [lesson.read_image(path) for path, _ in items]
    labels = np.array([label for _, label in items])
    for variant in ["as it is", *args.set]:
        saved = {}
        if variant != "as it is":
            name, value = variant.split("=", 1)
            saved[name] = getattr(digit_tools, name)
            setattr(digit_tools, name, type(saved[name])(float(value)))
        images = []
        for grey in greys:
            try:
                images.append(lesson.preprocess_digit(grey))
            except ValueError:
                images.append(np.zeros((28, 28), np.float32))  # no digit found: counted as wrong
        answers = lesson.predict_digit(model, np.stack(images))[0]
        missed = [f"{items[i][0].name}->{answers[i]}" for i in np.flatnonzero(answers != labels)]
        print(f"{args.half} half, {variant}: {int(np.sum(answers == labels))}/{len(labels)} read; "
              f"missed {', '.join(missed) or 'none'}")  # fmt: skip
        for name, value in saved.items():
            setattr(digit_tools, name, value)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
