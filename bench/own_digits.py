"""Benchmark: how well does a model read handwriting that is not MNIST? And how fast?

    python bench/own_digits.py [--model PATH] [--photos N] [--seed S] [--no-latency] [--json]

Prints a markdown table (or, with --json, the same figures as one JSON object) comparing three ways of turning a picture into the model's 28x28
input, with the same model:

- naive: greyscale, resize the whole picture to 28x28, invert (most tutorials);
- textbook: a global Otsu threshold, crop, fit 20x20 keeping the aspect ratio, pad to
  28x28, centre the mass (MNIST's recipe, without evening out the light or choosing the
  digit among other marks);
- ours: the reference lesson 07 (`read_image` + `preprocess_digit`).

on two sets:

- rendered photos: N MNIST *test* digits (never trained on) rendered at run time by
  `mnist_course.photos` as phone photos, transparent canvases and boards: random size
  and place, rotation, perspective, paper tint, lighting, shadow, ink colour, stroke
  weight, blur, noise, JPEG quality;
- real photos and drawings: ../shared/digits (or $MNIST_COURSE_DIGITS), labels read from
  its labels.csv; skipped when the folder is absent.

Then the latency of `mnist-course predict` for 1 and for 300 pictures, beyond the
interpreter and TensorFlow start (measured separately and subtracted).
Model: the one `mnist-course train` saved last, unless --model is given.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

from mnist_course.course import CourseError, load_lesson
from mnist_course.photos import write_mnist_photos

ROOT = Path(__file__).resolve().parents[1]


def naive(path) -> np.ndarray:
    """What most tutorials do: greyscale, resize the whole picture, invert."""
    grey = np.asarray(Image.open(path).convert("L"), dtype=np.uint8)
    return (255 - cv2.resize(grey, (28, 28), interpolation=cv2.INTER_AREA)) / np.float32(255)


def textbook(path) -> np.ndarray:
    """MNIST's recipe with one global Otsu threshold (alpha and polarity handled)."""
    image = Image.open(path)
    if image.mode in ("RGBA", "LA", "P"):
        image = Image.alpha_composite(Image.new("RGBA", image.size, "white"), image.convert("RGBA"))
    grey = cv2.GaussianBlur(np.asarray(image.convert("L"), dtype=np.uint8), (5, 5), 0)
    invert = cv2.THRESH_BINARY_INV if np.median(grey) > 127 else cv2.THRESH_BINARY
    _, mask = cv2.threshold(grey, 0, 255, invert + cv2.THRESH_OTSU)
    rows, cols = np.nonzero(mask)
    if len(rows) == 0:
        return np.zeros((28, 28), np.float32)
    crop = mask[rows.min(): rows.max() + 1, cols.min(): cols.max() + 1].astype(np.float32) / 255
    fit = 20 / max(crop.shape)
    h, w = max(1, round(crop.shape[0] * fit)), max(1, round(crop.shape[1] * fit))
    frame = np.zeros((28, 28), np.float32)
    top, left = (28 - h) // 2, (28 - w) // 2
    frame[top: top + h, left: left + w] = cv2.resize(crop, (w, h), interpolation=cv2.INTER_AREA)
    m = cv2.moments(frame)
    if m["m00"] > 0:
        move = np.float32([[1, 0, 14 - m["m10"] / m["m00"]], [0, 1, 14 - m["m01"] / m["m00"]]])
        frame = cv2.warpAffine(frame, move, (28, 28))
    return frame


def accuracies(model, paths, labels) -> dict[str, float]:
    lesson = load_lesson(ROOT / "solutions", "07")

    def ours(path):
        try:
            return lesson.preprocess_digit(lesson.read_image(path))
        except ValueError:
            return None  # "no digit found": counted as wrong

    results = {}
    for name, pipeline in (("naive", naive), ("textbook", textbook), ("ours", ours)):
        images = [pipeline(path) for path in paths]
        found = [i for i, image in enumerate(images) if image is not None]
        predicted = np.full(len(paths), -1)
        if found:
            batch = np.stack([images[i] for i in found]).astype(np.float32)
            predicted[found] = lesson.predict_digit(model, batch)[0]
        results[name] = float(np.mean(predicted == np.asarray(labels)))
    return results


def seconds(command) -> float:
    started = time.perf_counter()
    run = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    # Exit code 2 with one-line errors: some pictures had no digit found; the rest were read.
    if run.returncode not in (0, 2) or "Traceback" in run.stderr:
        raise SystemExit(f"{' '.join(map(str, command[:6]))} ... failed:\n{run.stderr[-2000:]}")
    return time.perf_counter() - started


def latency(model_path, paths) -> tuple[float, float, float]:
    """Seconds beyond start-up for 1 and 300 pictures, and the start-up itself (best of 3)."""
    start = [sys.executable, "-c", "import tensorflow, keras"]
    predict = [sys.executable, "-m", "mnist_course.cli", "predict", "--solutions", "--model", str(model_path)]
    base = min(seconds(start) for _ in range(3))
    one = min(seconds(predict + [str(paths[0])]) for _ in range(3))
    many = min(seconds(predict + [str(p) for p in paths[:300]]) for _ in range(3))
    return one - base, many - base, base


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", type=Path, help="a .keras model (default: the latest trained)")
    parser.add_argument("--photos", type=int, default=1000, help="how many rendered photos")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-latency", action="store_true")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

    from mnist_course.pipeline import latest_model, load_model

    try:
        model_path = args.model or latest_model(ROOT)
        model = load_model(model_path)
    except CourseError as error:
        raise SystemExit(f"own_digits: {error}") from None
    (_, _), (x_test, y_test) = load_lesson(ROOT / "solutions", "01").load_mnist()

    result = {"model": str(model_path), "sets": {}, "latency": None}
    with tempfile.TemporaryDirectory() as folder:
        rng = np.random.default_rng(args.seed)
        chosen = rng.choice(len(x_test), args.photos, replace=False)
        paths = write_mnist_photos(x_test[chosen], folder, seed=args.seed)
        result["sets"]["rendered"] = {
            "label": f"rendered photos of MNIST test digits (n={len(paths)})",
            "n": len(paths),
            **accuracies(model, paths, y_test[chosen]),
        }
        # The ceiling: the same digits as MNIST itself gives them, no photo in between.
        clean = load_lesson(ROOT / "solutions", "07").predict_digit(model, x_test[chosen] / np.float32(255))[0]
        result["clean_accuracy"] = float(np.mean(clean == y_test[chosen]))

        digits = Path(os.environ.get("MNIST_COURSE_DIGITS") or ROOT.parent / "shared" / "digits")
        if (digits / "labels.csv").is_file():
            with open(digits / "labels.csv", newline="") as handle:
                listed = list(csv.DictReader(handle))
            real = [digits / row["file"] for row in listed]
            result["sets"]["real"] = {
                "label": f"real photos and drawings, {digits.name}/ (n={len(real)})",
                "n": len(real),
                **accuracies(model, real, [int(row["label"]) for row in listed]),
            }
        elif not args.json:
            print(f"(skipped the real photos: no {digits}/labels.csv)\n")

        if not args.no_latency:
            one, many, base = latency(model_path, paths)
            result["latency"] = {
                "one_seconds": one, "many_seconds": many, "many_images": min(300, len(paths)),
                "startup_seconds": base,
            }  # fmt: skip
    print(json.dumps(result, indent=2) if args.json else report(result))
    return 0


def report(result: dict) -> str:
    lines = [f"Model: {result['model']}", "",
             "| set | naive resize | textbook (global Otsu) | ours (lesson 07) |",
             "| --- | ---: | ---: | ---: |"]  # fmt: skip
    for found in result["sets"].values():
        lines.append(f"| {found['label']} | {found['naive']:.1%} | {found['textbook']:.1%} | {found['ours']:.1%} |")
    n = result["sets"]["rendered"]["n"]
    lines += ["", f"The same {n} test digits straight from MNIST (no photo): {result['clean_accuracy']:.1%}."]
    timing = result["latency"]
    if timing:
        lines += [
            "",
            f"| `mnist-course predict` latency beyond start-up ({timing['startup_seconds']:.1f} s) | seconds |",
            "| --- | ---: |",
            f"| 1 picture | {timing['one_seconds']:.2f} |",
            f"| {timing['many_images']} pictures in one call | {timing['many_seconds']:.2f} |",
        ]
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
