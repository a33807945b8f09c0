"""Benchmark: how well does a model read handwriting that is not MNIST? And how fast?

    python bench/own_digits.py [--model PATH] [--photos N] [--seed S] [--no-latency] [--json]
                               [--digits DIR] [--digits2 DIR] [--sheet PATH | --no-sheet]

Prints a markdown table (or, with --json, the same figures as one JSON object) comparing three ways of turning a picture into the model's 28x28
input, with the same model:

- naive: greyscale, resize the whole picture to 28x28, invert (most tutorials);
- textbook: a global Otsu threshold, crop, fit 20x20 keeping the aspect ratio, pad to
  28x28, centre the mass (MNIST's recipe, without evening out the light or choosing the
  digit among other marks);
- ours: the reference lesson 07 (`read_image` + `preprocess_digit`).

on two sets:

- rendered photos: N MNIST *test* digits (never trained on) rendered at run time by
  `mnist_course.pictures.photos` as phone photos, transparent canvases and boards: random size
  and place, rotation, perspective, paper tint, lighting, shadow, ink colour, stroke
  weight, blur, noise, JPEG quality;
- real photos and drawings: ../shared/digits (or --digits, or $MNIST_COURSE_DIGITS), labels
  read from its labels.csv; and ../shared/digits2 (or --digits2, or $MNIST_COURSE_DIGITS2),
  labels read from its sources.csv. Each is skipped when its folder is absent.

The real pictures come from public repositories (the `source_repo` column). Each repository
falls, by a hash of its name, in the *tuning* half or the *held-out* half: preprocessing is
studied on the tuning half only, and the held-out half gives the honest figure. The report
gives both halves, and lesson 07's accuracy per repository.

Every real picture lesson 07 gets wrong goes on a contact sheet (the picture, the 28x28 the
model saw, its answer and the truth): bench/results/misses-<model>.png unless --sheet or
--no-sheet says otherwise. The sheet shows the pictures, so it is never committed.

Then the latency of `mnist-course predict` for 1 and for 300 pictures, beyond the
interpreter and TensorFlow start (measured separately and subtracted).
Model: the one `mnist-course train` saved last, unless --model is given.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageOps

ROOT = Path(__file__).resolve().parents[1]
# Measure this checkout's course code, not whichever one the virtualenv was installed from
# (`pip install -e` of another clone or worktree would otherwise win over it).
sys.path.insert(0, str(ROOT))

from mnist_course.course import CourseError, load_lesson
from mnist_course.pictures.photos import write_mnist_photos


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


def half_of(source: str) -> str:
    """'tuning' or 'held-out', from a hash of the repository's name: the same on every machine."""
    return ("tuning", "held-out")[hashlib.sha256(source.encode("utf-8")).digest()[0] % 2]


def accuracies(model, paths, labels, sources=None) -> dict:
    """Accuracy of the three pipelines; with `sources`, also per half and per repository.

    Lesson 07's readings are kept under "readings" (one per picture: its 28x28 input, or
    None for "no digit found", and the model's answer, -1 then) for the contact sheet.
    """
    lesson = load_lesson(ROOT / "solutions", "07")
    labels = np.asarray(labels)

    def ours(path):
        try:
            return lesson.preprocess_digit(lesson.read_image(path))
        except ValueError:
            return None  # "no digit found": counted as wrong

    results, answers = {}, {}
    for name, pipeline in (("naive", naive), ("textbook", textbook), ("ours", ours)):
        images = [pipeline(path) for path in paths]
        found = [i for i, image in enumerate(images) if image is not None]
        predicted = np.full(len(paths), -1)
        if found:
            batch = np.stack([images[i] for i in found]).astype(np.float32)
            predicted[found] = lesson.predict_digit(model, batch)[0]
        results[name] = float(np.mean(predicted == labels))
        answers[name] = predicted
        if name == "ours":
            results["no_digit_found"] = len(paths) - len(found)
            results["readings"] = list(zip(images, predicted.tolist()))
    if sources is not None:
        sources = np.asarray(sources)
        halves = np.array([half_of(source) for source in sources])
        results["halves"] = {}
        for half in ("tuning", "held-out"):
            chosen = halves == half
            results["halves"][half] = {
                "n": int(chosen.sum()), "repositories": len(set(sources[chosen])),
                **{name: float(np.mean(answers[name][chosen] == labels[chosen])) if chosen.any() else float("nan")
                   for name in answers},
                "no_digit_found": int(np.sum(answers["ours"][chosen] == -1)),
            }  # fmt: skip
        results["per_source"] = {
            source: {"half": half_of(source), "n": int(np.sum(sources == source)),
                     "read": int(np.sum((answers["ours"] == labels) & (sources == source)))}
            for source in sorted(set(sources.tolist()), key=str.lower)
        }  # fmt: skip
    return results


def real_set(folder: Path, listing: str) -> tuple[list[Path], list[int], list[str]] | None:
    """The pictures, labels and source repositories a folder's CSV lists; None without the CSV."""
    if not (folder / listing).is_file():
        return None
    with open(folder / listing, newline="") as handle:
        listed = list(csv.DictReader(handle))
    return ([folder / row["file"] for row in listed], [int(row["label"]) for row in listed],
            [row.get("source_repo") or "unknown" for row in listed])  # fmt: skip


def contact_sheet(misses: list[dict], title: str, out: Path) -> Path:
    """One PNG of every miss: the picture, the 28x28 the model saw, the answer and the truth."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    per_row = 6
    rows = max(1, -(-len(misses) // per_row))
    figure, axes = plt.subplots(rows, 2 * per_row, figsize=(2 * per_row * 1.25, rows * 1.6 + 0.6), squeeze=False)
    for axis in axes.flat:
        axis.set_axis_off()
    for i, miss in enumerate(misses):
        left, right = axes[i // per_row, 2 * (i % per_row)], axes[i // per_row, 2 * (i % per_row) + 1]
        with Image.open(miss["path"]) as picture:
            picture = ImageOps.exif_transpose(picture)
            picture.thumbnail((160, 160))
            if picture.mode in ("RGBA", "LA", "P"):  # a transparent canvas: shown on grey, as it is
                picture = Image.alpha_composite(Image.new("RGBA", picture.size, (200, 200, 200, 255)),
                                                picture.convert("RGBA"))  # fmt: skip
            left.imshow(np.asarray(picture.convert("RGB")))
        left.set_title(f"{miss['path'].name[:22]}", fontsize=6)
        if miss["image"] is None:
            right.text(0.5, 0.5, "no digit\nfound", ha="center", va="center", fontsize=8, color="red")
            right.set_title(f"truth {miss['truth']}", fontsize=8)
        else:
            right.imshow(miss["image"], cmap="gray", vmin=0, vmax=1)
            right.set_title(f"said {miss['answer']}, truth {miss['truth']}", fontsize=8, color="red")
        right.text(0.5, -0.08, miss["half"], transform=right.transAxes, ha="center", va="top", fontsize=6)
    figure.suptitle(title, fontsize=10)
    figure.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(out, dpi=110)
    plt.close(figure)
    return out


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
    parser.add_argument("--digits", type=Path, help="real digits with labels.csv (default: $MNIST_COURSE_DIGITS "
                        "or ../shared/digits beside the repository)")
    parser.add_argument("--digits2", type=Path, help="real digits with sources.csv (default: $MNIST_COURSE_DIGITS2 "
                        "or ../shared/digits2 beside the repository)")
    parser.add_argument("--sheet", type=Path, help="the contact sheet of misses (default: "
                        "bench/results/misses-<model>.png)")
    parser.add_argument("--no-sheet", action="store_true", help="draw no contact sheet")
    args = parser.parse_args()
    if args.photos < 1:  # the rendered set and its MNIST ceiling need at least one digit
        parser.error("--photos must be at least 1")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

    from mnist_course.training.pipeline import latest_model, load_model

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
            **{k: v for k, v in accuracies(model, paths, y_test[chosen]).items() if k != "readings"},
        }
        # The ceiling: the same digits as MNIST itself gives them, no photo in between.
        clean = load_lesson(ROOT / "solutions", "07").predict_digit(model, x_test[chosen] / np.float32(255))[0]
        result["clean_accuracy"] = float(np.mean(clean == y_test[chosen]))

        folders = (
            ("real", args.digits or os.environ.get("MNIST_COURSE_DIGITS") or ROOT.parent / "shared" / "digits",
             "labels.csv", "real photos and drawings"),
            ("real2", args.digits2 or os.environ.get("MNIST_COURSE_DIGITS2") or ROOT.parent / "shared" / "digits2",
             "sources.csv", "real digits from public repositories"),
        )  # fmt: skip
        misses = []
        for key, folder, listing, what in folders:
            folder = Path(folder)
            found = real_set(folder, listing)
            if found is None:
                if not args.json:
                    print(f"(skipped {what}: no {folder}/{listing})\n")
                continue
            real, labels, sources = found
            figures = accuracies(model, real, labels, sources)
            for path, truth, source, (image, answer) in zip(real, labels, sources, figures.pop("readings")):
                if answer != truth:
                    misses.append({"path": path, "truth": truth, "answer": answer, "image": image,
                                   "half": f"{half_of(source)}: {source.split('/')[0][:18]}"})  # fmt: skip
            result["sets"][key] = {"label": f"{what}, {folder.name}/ (n={len(real)})", "n": len(real), **figures}
        if misses and not args.no_sheet:
            sheet = args.sheet or ROOT / "bench" / "results" / f"misses-{Path(model_path).stem}.png"
            title = f"{len(misses)} real pictures lesson 07 + {Path(model_path).name} got wrong"
            result["sheet"] = str(contact_sheet(misses, title, sheet))

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
        for half, part in found.get("halves", {}).items():
            lines.append(f"| &nbsp; {half} half ({part['repositories']} repositories, n={part['n']}) "
                         f"| {part['naive']:.1%} | {part['textbook']:.1%} | {part['ours']:.1%} |")  # fmt: skip
    for found in result["sets"].values():
        if "per_source" not in found:
            continue
        lines += ["", f"{found['label']}: lesson 07 per repository ({found['no_digit_found']} with no digit found)",
                  "", "| repository | half | read |", "| --- | --- | ---: |"]  # fmt: skip
        for source, part in found["per_source"].items():
            lines.append(f"| {source} | {part['half']} | {part['read']}/{part['n']} |")
    if result.get("sheet"):
        lines += ["", f"Contact sheet of the misses: {result['sheet']}"]
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
