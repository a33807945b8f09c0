"""Benchmark: the reference MLP's training time against two plain trainings of the seed's shape.

    python bench/training_speed.py [--json] [--quick]

Issue 24's speed target: `mnist-course train --solutions` (the reference MLP, with its
augmentation, schedule and epochs) must train in no more time than two plain models of the
course's first shape trained one after the other: Flatten, Dense(128, ReLU), Dense(10,
softmax), Adam at Keras' default step, batch 32, no augmentation, 5 epochs each, on all 60,000
MNIST training images (what `model.fit(x_train, y_train, epochs=5)` does in every tutorial).

The three trainings run in one process, one after the other, in the order plain, reference,
plain, so that a change of load during the run weighs on both sides alike. Each time covers
building the model and `fit` (not loading the data, nor starting TensorFlow). Seeded: the
models are the same on every run; the times are this machine's, under its load (printed).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # this checkout's course code, whichever one .venv was installed from
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

TARGET_RATIO = 1.0  # reference MLP seconds / (two plain trainings' seconds)
PLAIN_EPOCHS = 5
PLAIN_BATCH = 32


def load_average() -> list[float] | None:
    try:
        return [round(value, 2) for value in os.getloadavg()]
    except (OSError, AttributeError):
        return None


def plain_training(x_train, y_train, x_test, y_test, seed: int, epochs: int = PLAIN_EPOCHS) -> dict:
    """One plain model of the seed's shape, trained as a tutorial trains it; seconds and accuracy."""
    import keras
    import numpy as np

    started = time.perf_counter()
    keras.utils.set_random_seed(seed)
    model = keras.Sequential([
        keras.Input(shape=(28, 28)),
        keras.layers.Flatten(),
        keras.layers.Dense(128, activation="relu"),
        keras.layers.Dense(10, activation="softmax"),
    ])  # fmt: skip
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x_train, y_train, epochs=epochs, batch_size=PLAIN_BATCH, verbose=0)
    seconds = time.perf_counter() - started
    predicted = np.argmax(model.predict(x_test, batch_size=1000, verbose=0), axis=1)
    return {"seconds": seconds, "test_accuracy": float(np.mean(predicted == y_test)), "epochs": epochs}


def reference_training(scratch: Path, limit: int | None, epochs: int | None) -> dict:
    """`mnist-course train --solutions`, through the pipeline the command uses."""
    from mnist_course.training.pipeline import Implementation, train_and_save

    result = train_and_save(scratch, Implementation(ROOT / "solutions"), epochs=epochs, limit=limit,
                            out=scratch / "mlp.keras", verbose=0)  # fmt: skip
    return {"seconds": result.seconds, "test_accuracy": result.test_accuracy, "epochs": result.epochs}


def measure(quick: bool = False) -> dict:
    import numpy as np

    from mnist_course.course import load_lesson

    limit, epochs, plain_epochs = (1000, 1, 1) if quick else (None, None, PLAIN_EPOCHS)
    (x_train, y_train), (x_test, y_test) = load_lesson(ROOT / "solutions", "01").load_mnist()
    if limit:
        x_train, y_train = x_train[:limit], y_train[:limit]
    x_train, x_test = x_train / np.float32(255), x_test / np.float32(255)
    result = {"load_before": load_average(), "quick": quick}
    with tempfile.TemporaryDirectory(prefix="mnist-speed-") as scratch:
        first = plain_training(x_train, y_train, x_test, y_test, seed=0, epochs=plain_epochs)
        reference = reference_training(Path(scratch), limit, epochs)
        second = plain_training(x_train, y_train, x_test, y_test, seed=1, epochs=plain_epochs)
    plain = first["seconds"] + second["seconds"]
    result.update(plain=[first, second], reference=reference, plain_seconds=plain,
                  ratio=reference["seconds"] / plain, target=TARGET_RATIO, load_after=load_average())  # fmt: skip
    return result


def row(result: dict) -> tuple[str, str, str]:
    """The side-by-side row bench/run.py prints: (what, figure, notes)."""
    first, second = result["plain"]
    reference = result["reference"]
    met = "met" if result["ratio"] <= result["target"] else "not met"
    return (
        "reference MLP vs two plain seed-shape trainings: training time",
        f"{reference['seconds']:.1f} s / {result['plain_seconds']:.1f} s = {result['ratio']:.2f}x",
        f"bench/training_speed.py, one run: reference {reference['epochs']} epochs, "
        f"{100 * reference['test_accuracy']:.2f}%; plain Dense 128, batch 32, "
        f"{first['epochs']} epochs each: {first['seconds']:.1f} s + {second['seconds']:.1f} s, "
        f"{100 * first['test_accuracy']:.2f}% / {100 * second['test_accuracy']:.2f}%; "
        f"target <= {result['target']:.1f}x: {met}; load {result['load_before']} -> {result['load_after']}",
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--quick", action="store_true", help="tiny budget, to test the script")
    args = parser.parse_args(argv)
    result = measure(args.quick)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        what, figure, notes = row(result)
        print(f"| what | figure | notes |\n|---|---:|---|\n| {what} | {figure} | {notes} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
