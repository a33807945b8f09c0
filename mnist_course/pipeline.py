"""The whole course as one pipeline, built from a chosen implementation's lesson modules.

`mnist-course train` and `evaluate` run the learner's own functions (lessons/), the
reference (solutions/), or any folder with the same file names, so a learner sees their
own code train a real model. A function that is not written yet stops the run with a
one-line message that says which lesson to finish, instead of a traceback.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import time
from dataclasses import dataclass
from pathlib import Path

from mnist_course.course import CourseError, lesson, load_lesson
from mnist_course.stubs import STUB_PREFIX

MODELS_DIR = Path(".course") / "models"
FIGURES_DIR = Path(".course") / "figures"
LATEST = "LATEST"  # a text file naming the model `mnist-course train` saved last

# The course's reference MLP, trained with lesson 04's gentle augmentation (its defaults):
# 98.77% on MNIST's test set (seed 0, 28 epochs, ~2-3 min on 2 CPU cores), and 97.1% of the
# real photos in bench/own_digits.py. Without augmentation: 98.26%, and 95.7% of the photos
# (docs/performance.md has the latest run). (256, 128) with dropout 0.2 stopped at 97.98%
# without augmentation: the wider net needs the dropout.
REFERENCE_HIDDEN_UNITS = (512, 256)
REFERENCE_DROPOUT = 0.3
# Convolutions and pooling already shrug off small shifts, so the CNN learns from bolder moves.
CNN_AUGMENTATION = {"rotation": 0.03, "shift": 0.1, "zoom": 0.1}

# `mnist-course train --model cnn`: lesson 08's CNN with augmentation and a warm-up + cosine
# schedule fitted to the epochs (docs/performance.md has its accuracy and training time).
MODEL_KINDS = ("mlp", "cnn")
DEFAULT_EPOCHS = {"mlp": 40, "cnn": 8}
BATCH_SIZE = 128  # lesson 05's default; the CNN's schedule is counted in these batches


class Implementation:
    """Calls lesson functions from one folder, turning 'not written yet' into a CourseError."""

    def __init__(self, folder: Path):
        self.folder = folder

    def function(self, number: str, name: str):
        unit = lesson(number)
        module = load_lesson(self.folder, number)
        function = getattr(module, name, None)
        if function is None:
            raise CourseError(f"{self.folder / unit.filename} has no function {name}().")

        def guarded(*args, **kwargs):
            try:
                return function(*args, **kwargs)
            except NotImplementedError as error:
                if STUB_PREFIX not in str(error):
                    raise
                raise CourseError(
                    f"{unit.label}: {name}() is not written yet. Finish it (check with "
                    f"`pytest {unit.checks}`), or run with --solutions to use the reference."
                ) from None

        return guarded


@dataclass
class TrainResult:
    model_path: Path
    test_accuracy: float
    epochs: int
    seconds: float
    figures: list[Path]


def load_data(impl: Implementation, limit: int | None = None):
    """Normalised train/validation/test arrays, made by the implementation's lessons 01-02.

    `limit` keeps only the first `limit` training images (the test set stays whole).
    """
    (x_train, y_train), test = impl.function("01", "load_mnist")()
    if limit:
        x_train, y_train = x_train[:limit], y_train[:limit]
    x_train = impl.function("02", "normalize")(x_train)
    x_train, x_val, y_train, y_val = impl.function("02", "split_validation")(
        x_train, y_train, val_fraction=0.1, seed=0
    )
    for x, y in ((x_train, y_train), (x_val, y_val)):
        impl.function("02", "validate_shapes")(x, y)
    return (x_train, y_train), (x_val, y_val), prepare_test(impl, *test)


def load_test_data(impl: Implementation):
    """Only the normalised test set: all that evaluating a trained model needs."""
    _, test = impl.function("01", "load_mnist")()
    return prepare_test(impl, *test)


def prepare_test(impl: Implementation, x_test, y_test):
    x_test = impl.function("02", "normalize")(x_test)
    impl.function("02", "validate_shapes")(x_test, y_test)
    return x_test, y_test


def model_stamp() -> str:
    return dt.datetime.now().strftime("%Y%m%d-%H%M%S")


def train_and_save(
    root: Path,
    impl: Implementation,
    epochs: int | None = None,
    hidden_units: tuple[int, ...] = REFERENCE_HIDDEN_UNITS,
    dropout: float = REFERENCE_DROPOUT,
    learning_rate: float = 1e-3,
    out: Path | None = None,
    seed: int = 0,
    limit: int | None = None,
    verbose: int | str = "auto",
    model_kind: str = "mlp",
    augment: bool = True,
) -> TrainResult:
    """Train the MLP (lessons 01-06) or the CNN (lesson 08 too) and save it as a .keras file.

    `augment` puts lesson 04's random rotations, shifts and zooms in front of the model
    (gentle ones for the MLP, bolder ones for the CNN); they act only while training.
    """
    import keras

    if model_kind not in MODEL_KINDS:
        raise CourseError(f"unknown model {model_kind!r}: choose one of {', '.join(MODEL_KINDS)}.")
    epochs = epochs or DEFAULT_EPOCHS[model_kind]
    (x_train, y_train), (x_val, y_val), (x_test, y_test) = load_data(impl, limit)
    keras.utils.set_random_seed(seed)  # the same initial weights for the same seed
    settings = CNN_AUGMENTATION if model_kind == "cnn" else {}
    augmentation = impl.function("04", "augment")(**settings) if augment else None
    if model_kind == "cnn":
        as_images = impl.function("02", "reshape_for_model")  # (n, 28, 28, 1) for Conv2D
        x_train, x_val, x_test = as_images(x_train), as_images(x_val), as_images(x_test)
        model = impl.function("08", "build_cnn")(augmentation=augmentation)
        steps = math.ceil(len(x_train) / BATCH_SIZE) * epochs
        model = impl.function("08", "compile_cnn")(model, total_steps=steps)
    else:
        model = impl.function("04", "build_model")(
            hidden_units=hidden_units, dropout=dropout, augmentation=augmentation
        )
        model = impl.function("04", "compile_model")(model, learning_rate=learning_rate)
    started = time.perf_counter()
    history = impl.function("05", "train")(
        model, x_train, y_train, x_val, y_val, epochs=epochs, batch_size=BATCH_SIZE, seed=seed,
        verbose=verbose,
    )
    seconds = time.perf_counter() - started
    predicted = impl.function("06", "predict_labels")(model, x_test)
    test_accuracy = impl.function("06", "accuracy")(y_test, predicted)

    models = root / MODELS_DIR
    models.mkdir(parents=True, exist_ok=True)
    # A new file per run, so a learner never loses an earlier model by training again.
    path = Path(out) if out else models / f"{model_kind}-{model_stamp()}.keras"
    path.parent.mkdir(parents=True, exist_ok=True)
    model.save(path)
    (models / LATEST).write_text(str(path.resolve()) + "\n")

    figures = root / FIGURES_DIR
    figures.mkdir(parents=True, exist_ok=True)
    curves = figures / f"{path.stem}-history.png"
    impl.function("05", "plot_history")(history).savefig(curves, dpi=110)
    return TrainResult(path, float(test_accuracy), len(history.history["loss"]), seconds, [curves])


def latest_model(root: Path) -> Path:
    pointer = root / MODELS_DIR / LATEST
    if pointer.is_file():
        path = Path(pointer.read_text().strip())
        if path.is_file():
            return path
    raise CourseError(
        "no trained model yet: train one with `mnist-course train` "
        "(or `mnist-course train --solutions`), or pass --model PATH."
    )


def load_model(path: Path):
    """Load a .keras model for 28x28 images, or raise a CourseError that says what is wrong."""
    path = Path(path)
    if not path.exists():
        raise CourseError(f"model file not found: {path}")
    if path.is_dir():
        raise CourseError(f"{path} is a folder, not a .keras model file")
    import keras

    try:
        model = keras.saving.load_model(path, compile=False)
    except Exception as error:  # noqa: BLE001 - Keras raises many types for a bad file
        first = str(error).strip().splitlines()[0][:160] if str(error).strip() else ""
        raise CourseError(
            f"{path} is not a Keras model file ({type(error).__name__}: {first}). "
            "Use a file saved by `mnist-course train` (*.keras)."
        ) from None
    shape = tuple(model.input_shape[1:]) if hasattr(model, "input_shape") else ()
    if shape not in {(28, 28), (28, 28, 1), (784,)}:
        raise CourseError(f"{path} expects input {shape}, not 28x28 images: not an MNIST model.")
    if tuple(model.output_shape[1:]) != (10,):
        raise CourseError(f"{path} has output {model.output_shape[1:]}, not 10 digit scores.")
    return model


@dataclass
class Evaluation:
    accuracy: float
    confusion: list[list[int]]
    figure: Path | None

    def to_json(self) -> str:
        return json.dumps({"accuracy": self.accuracy, "confusion": self.confusion})


def evaluate(root: Path, impl: Implementation, model_path: Path, figure: bool = True) -> Evaluation:
    model = load_model(model_path)
    x_test, y_test = load_test_data(impl)
    if model.input_shape[1:] == (28, 28, 1):
        x_test = impl.function("02", "reshape_for_model")(x_test)
    predicted = impl.function("06", "predict_labels")(model, x_test)
    accuracy = float(impl.function("06", "accuracy")(y_test, predicted))
    cm = impl.function("06", "confusion")(y_test, predicted)
    written = None
    if figure:
        figures = root / FIGURES_DIR
        figures.mkdir(parents=True, exist_ok=True)
        written = figures / f"{Path(model_path).stem}-confusion.png"
        impl.function("06", "plot_confusion")(cm).savefig(written, dpi=110)
    return Evaluation(accuracy, [[int(v) for v in row] for row in cm], written)
