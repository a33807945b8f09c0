"""The output-layer experiment: softmax + sparse categorical cross-entropy against sigmoid +
binary cross-entropy, on the same data, from the same initial weights.

    python experiments/output_layer.py            # about 2 minutes on 2 CPU cores

Both networks are the lesson-04 MLP (Flatten, Dense(128, relu), Dense(10)); only the output
activation and the loss differ. The data is the course's own split (lessons 01-02 of the
reference: 54,000 training, 6,000 validation, 10,000 test images), everything is seeded,
and the script prints its figures and writes them to experiments/results/output_layer.json,
experiments/results/output_layer.md (the tables the docs page includes) and
docs/going-further/output-layer-sums.png.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import matplotlib  # noqa: E402

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from mnist_course.training.pipeline import Implementation, load_data  # noqa: E402

RESULTS = ROOT / "experiments" / "results"
FIGURE = ROOT / "docs" / "going-further" / "output-layer-sums.png"
SEED = 0
EPOCHS = 5
BATCH_SIZE = 128
HIDDEN_UNITS = 128


def mlp(output_activation: str, seed: int) -> keras.Sequential:
    """Lesson 04's MLP with the given output activation; the same seed gives the same weights."""
    keras.utils.set_random_seed(seed)
    return keras.Sequential(
        [
            keras.Input(shape=(28, 28)),
            keras.layers.Flatten(),
            keras.layers.Dense(HIDDEN_UNITS, activation="relu"),
            keras.layers.Dense(10, activation=output_activation),
        ],
        name=f"mlp_{output_activation}",
    )


def resolved_metrics(model) -> dict[str, str]:
    """What each compiled metric name became, e.g. {"accuracy": "SparseCategoricalAccuracy"}.

    Keras turns the string "accuracy" into a concrete metric only when it first sees data,
    choosing by the shapes of labels and outputs; we read the choice back from the model.
    """
    found = {}
    for container in model.metrics:
        for metric in getattr(container, "metrics", []):
            inner = getattr(metric, "_fn", None)  # MeanMetricWrapper around a plain function
            found[metric.name] = getattr(inner, "__name__", None) or type(metric).__name__
    return found


def train(model, loss, x_train, y_train, x_val, y_val, metrics, epochs):
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss=loss, metrics=metrics)
    keras.utils.set_random_seed(SEED)  # the same shuffling and batches for both runs
    history = model.fit(
        x_train, y_train, validation_data=(x_val, y_val), epochs=epochs,
        batch_size=BATCH_SIZE, verbose=0,
    )  # fmt: skip
    return history


def run(epochs: int = EPOCHS, limit: int | None = None, figure_path: Path = FIGURE) -> dict:
    impl = Implementation(ROOT / "solutions")
    (x_train, y_train), (x_val, y_val), (x_test, y_test) = load_data(impl, limit)
    one_hot = {name: keras.utils.to_categorical(y, 10) for name, y in
               (("train", y_train), ("val", y_val), ("test", y_test))}  # fmt: skip

    softmax, sigmoid = mlp("softmax", SEED), mlp("sigmoid", SEED)
    same_start = all(
        np.array_equal(a, b) for a, b in zip(softmax.get_weights(), sigmoid.get_weights())
    )

    # Softmax: integer labels and the sparse loss, exactly as lesson 04 compiles it.
    train(softmax, keras.losses.SparseCategoricalCrossentropy(), x_train, y_train, x_val, y_val,
          ["accuracy"], epochs)  # fmt: skip
    # Sigmoid: binary cross-entropy compares each of the ten outputs with a 0/1 target, so
    # the labels must be one-hot. "binary_accuracy" is added by name to show what it says.
    train(sigmoid, keras.losses.BinaryCrossentropy(), x_train, one_hot["train"], x_val,
          one_hot["val"], ["accuracy", "binary_accuracy"], epochs)  # fmt: skip

    scores = {
        "softmax": softmax.predict(x_test, batch_size=1000, verbose=0),
        "sigmoid": sigmoid.predict(x_test, batch_size=1000, verbose=0),
    }
    keras_reported = {
        "softmax": softmax.evaluate(x_test, y_test, verbose=0, return_dict=True),
        "sigmoid": sigmoid.evaluate(x_test, one_hot["test"], verbose=0, return_dict=True),
    }
    binary = keras.metrics.BinaryAccuracy()
    results = {
        "seed": SEED,
        "epochs": epochs,
        "train_images": int(len(x_train)),
        "test_images": int(len(x_test)),
        "same_initial_weights": bool(same_start),
        "keras_version": keras.__version__,
        "models": {},
    }
    for name, score in scores.items():
        predicted = np.argmax(score, axis=1)
        sums = score.sum(axis=1)
        above = (score >= 0.5).sum(axis=1)
        binary.reset_state()
        binary.update_state(one_hot["test"], score)
        model = softmax if name == "softmax" else sigmoid
        results["models"][name] = {
            "loss": "sparse categorical cross-entropy" if name == "softmax" else "binary cross-entropy",
            "argmax_accuracy": float(np.mean(predicted == y_test)),
            "keras_accuracy": float(keras_reported[name]["accuracy"]),
            "accuracy_resolves_to": resolved_metrics(model)["accuracy"],
            "binary_accuracy": float(binary.result()),
            "sum_min": float(sums.min()),
            "sum_median": float(np.median(sums)),
            "sum_max": float(sums.max()),
            "share_sum_off_by_over_0_1": float(np.mean(np.abs(sums - 1) > 0.1)),
            "share_no_score_over_half": float(np.mean(above == 0)),
            "share_several_scores_over_half": float(np.mean(above >= 2)),
            "exactly_one_right_score_over_half": float(
                np.mean((above == 1) & (score[np.arange(len(y_test)), y_test] >= 0.5))
            ),
            "mean_top_score_when_wrong": float(np.mean(score.max(axis=1)[predicted != y_test])),
        }
    # The trivial answer "no digit is present" (all ten scores 0) is right on 9 of 10 outputs.
    binary.reset_state()
    binary.update_state(one_hot["test"], np.zeros_like(scores["sigmoid"]))
    results["all_zero_binary_accuracy"] = float(binary.result())

    # One image to look at: the test image whose sigmoid scores add up to the most.
    index = int(np.argmax(scores["sigmoid"].sum(axis=1)))
    results["example"] = {
        "index": index,
        "label": int(y_test[index]),
        "softmax": [round(float(v), 4) for v in scores["softmax"][index]],
        "sigmoid": [round(float(v), 4) for v in scores["sigmoid"][index]],
    }
    # A blank image (all black, no digit at all): what does each model answer?
    blank = np.zeros((1, 28, 28), dtype=np.float32)
    results["blank"] = {
        name: [round(float(v), 4) for v in model.predict(blank, verbose=0)[0]]
        for name, model in (("softmax", softmax), ("sigmoid", sigmoid))
    }
    results["figure"] = plot_sums(scores, figure_path)
    return results


def plot_sums(scores, path: Path) -> str:
    figure, ax = plt.subplots(figsize=(8, 3.6))
    bins = np.linspace(-0.0125, 2.5125, 102)  # 1.0 sits in the middle of a bin, not on an edge
    for name, colour in (("sigmoid", "tab:orange"), ("softmax", "tab:blue")):
        ax.hist(np.clip(scores[name].sum(axis=1), 0, 2.5), bins=bins, color=colour, alpha=0.7,
                label=f"{name}: sum of the ten outputs")  # fmt: skip
    ax.set_yscale("log")
    ax.set_xlabel("sum of an image's ten output scores (test set; clipped at 2.5)")
    ax.set_ylabel("test images (log scale)")
    ax.set_title("Softmax outputs always sum to 1; sigmoid outputs do not")
    ax.legend()
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return str(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)


def markdown(results: dict) -> str:
    soft, sig = results["models"]["softmax"], results["models"]["sigmoid"]
    pct = lambda v: f"{100 * v:.2f}%"  # noqa: E731
    rows = [
        ("output activation + loss", "softmax + " + soft["loss"], "sigmoid + " + sig["loss"]),
        ("test accuracy, argmax of the ten scores", pct(soft["argmax_accuracy"]), pct(sig["argmax_accuracy"])),
        ('Keras `"accuracy"` resolves to', f"`{soft['accuracy_resolves_to']}`", f"`{sig['accuracy_resolves_to']}`"),
        ('Keras `"accuracy"` on the test set', pct(soft["keras_accuracy"]), pct(sig["keras_accuracy"])),
        ("`binary_accuracy` on the test set", pct(soft["binary_accuracy"]), pct(sig["binary_accuracy"])),
        ("right digit is the only score >= 0.5", pct(soft["exactly_one_right_score_over_half"]), pct(sig["exactly_one_right_score_over_half"])),
        ("sum of the ten scores: min / median / max",
         f"{soft['sum_min']:.4f} / {soft['sum_median']:.4f} / {soft['sum_max']:.4f}",
         f"{sig['sum_min']:.4f} / {sig['sum_median']:.4f} / {sig['sum_max']:.4f}"),
        ("images whose scores sum to < 0.9 or > 1.1", pct(soft["share_sum_off_by_over_0_1"]), pct(sig["share_sum_off_by_over_0_1"])),
        ("images with no score >= 0.5 (\"no digit\")", pct(soft["share_no_score_over_half"]), pct(sig["share_no_score_over_half"])),
        ("images with two or more scores >= 0.5", pct(soft["share_several_scores_over_half"]), pct(sig["share_several_scores_over_half"])),
        ("mean top score on misread images", f"{soft['mean_top_score_when_wrong']:.3f}", f"{sig['mean_top_score_when_wrong']:.3f}"),
    ]  # fmt: skip
    lines = [
        f"Run: seed {results['seed']}, {results['epochs']} epochs, batch {BATCH_SIZE}, "
        f"{results['train_images']:,} training and {results['test_images']:,} test images, "
        f"Keras {results['keras_version']}; same initial weights for both: "
        f"{'yes' if results['same_initial_weights'] else 'no'}.",
        "",
        "| | softmax | sigmoid |",
        "|---|---:|---:|",
    ]
    lines += [f"| {label} | {a} | {b} |" for label, a, b in rows]
    lines += [
        "",
        f"`binary_accuracy` of a model that answers 0 for every output (\"no digit at all\"): "
        f"**{pct(results['all_zero_binary_accuracy'])}**.",
        "",
        f"Test image {results['example']['index']} (a {results['example']['label']}), the one "
        "whose sigmoid scores add up to the most, and a blank image (every pixel black: no "
        "digit at all), digit by digit:",
        "",
        f"| digit | image {results['example']['index']}, softmax | image "
        f"{results['example']['index']}, sigmoid | blank, softmax | blank, sigmoid |",
        "|---|---:|---:|---:|---:|",
    ]
    columns = [results["example"]["softmax"], results["example"]["sigmoid"],
               results["blank"]["softmax"], results["blank"]["sigmoid"]]  # fmt: skip
    for digit in range(10):
        lines.append(f"| {digit} | " + " | ".join(f"{c[digit]:.3f}" for c in columns) + " |")
    lines.append("| **sum** | " + " | ".join(f"**{sum(c):.3f}**" for c in columns) + " |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=EPOCHS)
    parser.add_argument("--limit", type=int, default=None, help=argparse.SUPPRESS)  # tests
    parser.add_argument("--out", type=Path, default=RESULTS, help="folder for the results")
    parser.add_argument("--figure", type=Path, default=FIGURE, help="where to save the figure")
    args = parser.parse_args(argv)
    results = run(args.epochs, args.limit, args.figure)
    text = markdown(results)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "output_layer.json").write_text(json.dumps(results, indent=2) + "\n")
    (args.out / "output_layer.md").write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
