"""Draw every figure of the guide with the course's reference code, before the site is built.

`python -m mnist_course.docs_build generate` copies the figures into the generated pages'
`figures/` folder; they are never committed, so they always show what the reference code in
`solutions/` does today. Everything is seeded, so two generations draw the same pictures.

Drawing needs MNIST (`MNIST_PATH`, or Keras' download) and trains a small reference model
(about half a minute on two cores). The result is cached in `.course/docs-figures/`, keyed
by a hash of everything that shapes the figures (this file, `solutions/`, `examples/` and
the MNIST file), so generating the guide again after editing prose takes seconds. Two
processes that need the figures at once (two test workers) draw them once: the second waits.

Run it by hand to look at the figures without building the site:

    python -m mnist_course.docs_build.figures OUT_DIR
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from mnist_course.training.pipeline import REFERENCE_DROPOUT as DROPOUT
from mnist_course.training.pipeline import REFERENCE_HIDDEN_UNITS as HIDDEN_UNITS
from mnist_course.course.workspace import Workspace

ROOT = Path(__file__).resolve().parents[2]
CACHE = Workspace(ROOT).docs_figures
SEED = 0
TRAIN_SUBSET = 30_000  # training images for the figures' model (the full run uses 54,000)
EPOCHS = 8
DPI = 110


class FigureError(RuntimeError):
    """The guide's figures cannot be drawn; the message says what to fix."""


def reference(module: str):
    from mnist_course.course import load_module

    return load_module(ROOT / "solutions" / f"{module}.py")


def example_photos() -> list[Path]:
    return sorted((ROOT / "examples").glob("*.png"))


def mnist_location() -> Path | None:
    value = os.environ.get("MNIST_PATH")
    return Path(value).expanduser() if value else None


def cache_key() -> str:
    """A hash of everything that shapes the figures: this file, the solutions, the example
    photos, and the course code the figures train and read with (the training pipeline, lesson
    07's helpers)."""
    digest = hashlib.sha256()
    course = [*sorted((ROOT / "mnist_course" / "training").glob("*.py")),
              *sorted((ROOT / "mnist_course" / "pictures").glob("*.py"))]  # fmt: skip
    inputs = [Path(__file__).resolve(), *sorted((ROOT / "solutions").glob("*.py")), *course, *example_photos()]
    for path in inputs:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    location = mnist_location()
    if location is not None and location.is_file():
        digest.update(f"mnist:{location.stat().st_size}".encode())
    return digest.hexdigest()[:16]


def load_data():
    """MNIST with the reference lessons 01-02, or a FigureError that says how to get it."""
    location = mnist_location()
    if location is not None and not location.is_file():
        raise FigureError(
            f"The guide's figures need MNIST, but MNIST_PATH={location} is not a file. "
            "Point MNIST_PATH at a copy of Keras' mnist.npz and build again."
        )
    try:
        (x_train, y_train), (x_test, y_test) = reference("lesson_01_load").load_mnist()
    except Exception as error:  # noqa: BLE001 - any failure here means "no data"
        raise FigureError(
            "The guide's figures are drawn from MNIST at build time and MNIST could not be "
            f"loaded ({type(error).__name__}: {error}). Set MNIST_PATH to a local mnist.npz "
            "(see the Setup page, 'Working offline'), or connect once so Keras can download it."
        ) from None
    return (x_train, y_train), (x_test, y_test)


# --- the figures ---------------------------------------------------------------------------


def save(figure, out: Path, name: str) -> None:
    import matplotlib.pyplot as plt

    figure.savefig(out / name, dpi=DPI, bbox_inches="tight", facecolor="white")
    plt.close(figure)


def draw_pixels(out, x_train, y_train):
    """Lesson 01: a digit is a grid of 784 numbers."""
    import matplotlib.pyplot as plt

    image = x_train[0]
    figure, (left, right) = plt.subplots(1, 2, figsize=(13, 6.2), width_ratios=[1, 1.25])
    left.imshow(image, cmap="gray")
    left.set_title(f"x_train[0] as a picture (label {int(y_train[0])})")
    left.set_xticks([0, 27])
    left.set_yticks([0, 27])
    right.imshow(image, cmap="gray_r", alpha=0.25)
    for row in range(28):
        for column in range(28):
            value = int(image[row, column])
            if value:
                right.text(column, row, str(value), ha="center", va="center", fontsize=5.2)
    right.set_title("...and as the numbers the model sees (0 = black, blank here)")
    right.set_xticks([0, 27])
    right.set_yticks([0, 27])
    figure.tight_layout()
    save(figure, out, "pixels.png")


def draw_flatten(out, x_train):
    """Lesson 02: scaling to [0, 1] and unrolling 28x28 into 784."""
    import matplotlib.pyplot as plt
    import numpy as np

    prepare = reference("lesson_02_prepare")
    image = x_train[0]
    scaled = prepare.normalize(image[np.newaxis])[0]
    row = prepare.reshape_for_model(scaled[np.newaxis], flatten=True)
    figure = plt.figure(figsize=(12, 3.6))
    grid = figure.add_gridspec(2, 3, height_ratios=[4, 1], width_ratios=[1, 1, 2.2])
    ax = figure.add_subplot(grid[0, 0])
    ax.imshow(image, cmap="gray")
    ax.set_title(f"uint8, 0..255 (max {image.max()})")
    ax.axis("off")
    ax = figure.add_subplot(grid[0, 1])
    ax.imshow(scaled, cmap="gray", vmin=0, vmax=1)
    ax.set_title(f"normalize: float32, 0..1 (max {scaled.max():.1f})")
    ax.axis("off")
    ax = figure.add_subplot(grid[0, 2])
    ax.hist(image[image > 0].ravel(), bins=32, color="steelblue")
    ax.set_title("the non-zero pixels: most ink is fully bright")
    ax.set_xlabel("pixel value (0..255)")
    ax = figure.add_subplot(grid[1, :])
    ax.imshow(row, cmap="gray", aspect="auto", interpolation="nearest")
    ax.set_yticks([])
    ax.set_xticks([0, 28 * 5, 28 * 14, 783])
    ax.set_title("reshape_for_model(flatten=True): the same image as one row of 784 values, row after row")
    figure.tight_layout()
    save(figure, out, "flatten.png")


def draw_exploration(out, x_train, y_train):
    """Lesson 03: the reference plotting functions, exactly as the learner writes them."""
    explore = reference("lesson_03_explore")
    save(explore.plot_samples(x_train, y_train, n=25), out, "samples.png")
    save(explore.plot_label_distribution(y_train), out, "label_distribution.png")
    save(explore.plot_mean_digits(x_train, y_train), out, "mean_digits.png")


def draw_mnist_format(out, x_train, y_train):
    """Lesson 07: MNIST's conventions, measured on real digits: ink box and centre of mass."""
    import matplotlib.pyplot as plt
    import numpy as np
    from matplotlib.patches import Rectangle

    wanted = [1, 7, 0, 4]
    indices = [int(np.flatnonzero(y_train == digit)[0]) for digit in wanted]
    figure, axes = plt.subplots(1, len(indices), figsize=(12, 3.6))
    rows, columns = np.mgrid[0:28, 0:28]
    for ax, index in zip(axes, indices):
        image = x_train[index].astype(float)
        ink_rows, ink_columns = np.nonzero(image)
        top, bottom = ink_rows.min(), ink_rows.max()
        left, right = ink_columns.min(), ink_columns.max()
        mass = image.sum()
        centre_row = (rows * image).sum() / mass
        centre_column = (columns * image).sum() / mass
        ax.imshow(image, cmap="gray")
        ax.add_patch(Rectangle((left - 0.5, top - 0.5), right - left + 1, bottom - top + 1,
                               fill=False, edgecolor="darkorange", linewidth=2))
        ax.axhline(13.5, color="deepskyblue", linestyle="--", linewidth=1)
        ax.axvline(13.5, color="deepskyblue", linestyle="--", linewidth=1)
        ax.plot(centre_column, centre_row, marker="+", color="red", markersize=18, mew=2.5)
        ax.set_title(
            f"x_train[{index}]: ink {right - left + 1}x{bottom - top + 1} px\n"
            f"centre of mass ({centre_column:.1f}, {centre_row:.1f})", fontsize=10,
        )
        ax.set_xticks([0, 27])
        ax.set_yticks([0, 27])
    figure.tight_layout()
    save(figure, out, "mnist_format.png")


def train_reference(x_train, y_train, x_val, y_val):
    """The model `mnist-course train` trains (its one training routine), on fewer images and epochs."""
    import keras
    import tensorflow as tf

    from mnist_course.training.pipeline import Implementation, build_and_fit, build_model

    tf.config.experimental.enable_op_determinism()
    solutions = Implementation(ROOT / "solutions")
    keras.utils.set_random_seed(SEED)
    untrained = build_model(solutions, "mlp")
    model, history, _ = build_and_fit(
        solutions, "mlp", (x_train, y_train), (x_val, y_val), epochs=EPOCHS, seed=SEED, verbose=0
    )
    return untrained, model, history


def draw_softmax(out, untrained, model, x_test, y_test):
    """Lesson 04: what the ten softmax outputs look like before and after training."""
    import matplotlib.pyplot as plt

    index = 0
    image = x_test[index : index + 1]
    before = untrained.predict(image, verbose=0)[0]
    after = model.predict(image, verbose=0)[0]
    figure, axes = plt.subplots(1, 3, figsize=(12, 3.2), width_ratios=[0.7, 2, 2])
    axes[0].imshow(image[0], cmap="gray")
    axes[0].set_title(f"x_test[{index}] (a {int(y_test[index])})")
    axes[0].axis("off")
    for ax, scores, title in (
        (axes[1], before, "untrained: about 0.1 each, a shrug"),
        (axes[2], after, f"trained: {after.max():.1%} on {after.argmax()}"),
    ):
        bars = ax.bar(range(10), scores, color="lightsteelblue")
        bars[int(scores.argmax())].set_color("darkorange")
        ax.set_xticks(range(10))
        ax.set_ylim(0, 1)
        ax.set_xlabel("digit")
        ax.set_ylabel("softmax probability")
        ax.set_title(title)
    figure.tight_layout()
    save(figure, out, "softmax.png")


def draw_augmentation(out, x_train, y_train):
    """Lesson 04: the augment block's gentle moves, on eight training digits."""
    import keras
    import matplotlib.pyplot as plt
    import numpy as np

    digits = x_train[[int(np.flatnonzero(y_train == digit)[0]) for digit in (0, 1, 2, 3, 4, 5, 7, 9)]]
    block = reference("lesson_04_model").augment()
    keras.utils.set_random_seed(SEED)
    rows = [digits[..., None]] + [np.asarray(block(digits, training=True)) for _ in range(3)]
    titles = ["as in MNIST", "training step 1", "training step 2", "training step 3"]
    figure, axes = plt.subplots(4, 8, figsize=(9, 4.9))
    for row, (images, title) in enumerate(zip(rows, titles)):
        for column, image in enumerate(images):
            ax = axes[row, column]
            ax.imshow(image[..., 0], cmap="gray", vmin=0, vmax=1)
            ax.set_xticks([])
            ax.set_yticks([])
            ax.spines[:].set_visible(False)
        axes[row, 0].set_ylabel(title, fontsize=9)
    figure.tight_layout()
    save(figure, out, "augmentation.png")


def draw_evaluation(out, model, x_test, y_test):
    """Lesson 06: confusion matrix and the most confused test images."""
    import matplotlib.pyplot as plt
    import numpy as np

    evaluate = reference("lesson_06_evaluate")
    predicted = evaluate.predict_labels(model, x_test)
    cm = evaluate.confusion(y_test, predicted)
    figure = evaluate.plot_confusion(cm)
    figure.axes[0].set_title(
        f"Confusion matrix on the 10,000 test images (accuracy {evaluate.accuracy(y_test, predicted):.2%})"
    )
    save(figure, out, "confusion.png")

    pairs = evaluate.most_confused(cm, k=3)
    per_row = 8
    figure, axes = plt.subplots(len(pairs), per_row, figsize=(1.3 * per_row, 1.75 * len(pairs)))
    for row, pair in pairs.iterrows():
        true, guess = int(pair["true"]), int(pair["predicted"])
        found = np.flatnonzero((y_test == true) & (predicted == guess))[:per_row]
        for column in range(per_row):
            ax = axes[row, column]
            ax.axis("off")
            if column < len(found):
                ax.imshow(x_test[found[column]], cmap="gray")
                ax.set_title(f"#{found[column]}", fontsize=8)
        axes[row, 0].text(
            -0.15, 0.5, f"true {true}\nread as {guess}\n({int(pair['count'])}x)",
            transform=axes[row, 0].transAxes, ha="right", va="center", fontsize=10,
        )
    figure.suptitle("The three most frequent mistakes: test images, numbered by their index")
    figure.tight_layout()
    save(figure, out, "most_confused.png")
    return float(evaluate.accuracy(y_test, predicted))


def draw_lesson_07(out, model, x_train, y_train):
    """Lesson 07 and the home page: example photos, read by the reference pipeline."""
    import matplotlib.pyplot as plt
    from PIL import Image

    predict = reference("lesson_07_predict")
    means = reference("lesson_03_explore").mean_digits(x_train, y_train)
    photos = example_photos()
    if not photos:
        raise FigureError("solutions/lesson_07_predict.py exists but examples/ has no *.png photo")

    readings = []
    for photo in photos:
        grey = predict.read_image(photo)
        image = predict.preprocess_digit(grey)
        digit, probabilities = predict.predict_digit(model, image)
        readings.append((photo, grey, image, digit, probabilities))

    # Lesson 07: every stage for one photo, drawn by the reference explain_figure.
    chosen = next((r for r in readings if "shadow" in r[0].name), readings[0])
    photo, grey, image, digit, probabilities = chosen
    figure = predict.explain_figure(grey, image, probabilities, mnist_means=means)
    figure.suptitle(f"examples/{photo.name}", y=1.01)
    save(figure, out, "preprocessing.png")

    # Home page: every example photo, the 28x28 the model sees, and what it reads.
    figure, axes = plt.subplots(2, len(readings), figsize=(1.9 * len(readings), 4.4))
    for column, (photo, grey, image, digit, probabilities) in enumerate(readings):
        with Image.open(photo) as picture:
            if "A" in picture.mode or "transparency" in picture.info:
                axes[0, column].imshow(grey, cmap="gray")  # as read_image composites it
            else:
                axes[0, column].imshow(picture.convert("RGB"))
        axes[0, column].set_title(photo.stem.replace("-", " "), fontsize=8)
        axes[1, column].imshow(image, cmap="gray", vmin=0, vmax=1)
        axes[1, column].set_title(f"reads {digit} ({probabilities[digit]:.0%})", fontsize=11)
        for ax in axes[:, column]:
            ax.set_xticks([])
            ax.set_yticks([])
    axes[0, 0].set_ylabel("the photo", fontsize=11)
    axes[1, 0].set_ylabel("what the model sees", fontsize=11)
    figure.tight_layout()
    save(figure, out, "hero.png")

# Handwriting styles that real pictures are most often misread for (bench/own_digits.py's
# contact sheets of misses): drawn here as pen strokes on a 200x200 page, never copied from
# anyone's pictures. Each is (title, truth, strokes); a stroke is a list of (x, y) points.
STYLES = [
    ("1, one stroke (MNIST's way)", 1, [[(100, 30), (100, 170)]]),
    ("1 with a long flag", 1, [[(62, 72), (104, 30), (104, 170)]]),
    ("7 with a crossbar", 7, [[(55, 40), (145, 40), (92, 170)], [(78, 108), (132, 108)]]),
    ("4, open at the top", 4, [[(72, 30), (72, 112), (146, 112)], [(128, 30), (128, 172)]]),
    ("4 closed into a loop", 4, [[(124, 30), (124, 174)], [(124, 36), (70, 104), (124, 100)]]),
    ("6 with its loop left open", 6, [[(136, 36), (96, 52), (72, 96), (70, 140), (92, 168), (126, 164),
                                       (140, 134), (124, 108), (98, 106)]]),
]


def draw_styles(out, model):
    """Lesson 07: how the reference model reads a few handwriting styles MNIST has few of."""
    import cv2
    import matplotlib.pyplot as plt
    import numpy as np

    predict = reference("lesson_07_predict")
    figure, axes = plt.subplots(2, len(STYLES), figsize=(1.9 * len(STYLES), 4.4))
    for column, (title, truth, strokes) in enumerate(STYLES):
        page = np.full((200, 200), 245, np.uint8)
        for stroke in strokes:
            cv2.polylines(page, [np.array(stroke, np.int32)], False, 30, thickness=9, lineType=cv2.LINE_AA)
        page = cv2.GaussianBlur(page, (3, 3), 0)
        image = predict.preprocess_digit(page)
        digit, probabilities = predict.predict_digit(model, image)
        axes[0, column].imshow(page, cmap="gray", vmin=0, vmax=255)
        axes[0, column].set_title(title, fontsize=8)
        axes[1, column].imshow(image, cmap="gray", vmin=0, vmax=1)
        verdict = "right" if digit == truth else f"wrong: it is a {truth}"
        axes[1, column].set_title(f"reads {digit} ({probabilities[digit]:.0%})\n{verdict}", fontsize=9,
                                  color="black" if digit == truth else "#b83400")
        for ax in axes[:, column]:
            ax.set_xticks([])
            ax.set_yticks([])
            ax.spines[:].set_visible(True)  # the page's edge, which the guide's style leaves out
    axes[0, 0].set_ylabel("drawn", fontsize=11)
    axes[1, 0].set_ylabel("what the model sees", fontsize=11)
    figure.tight_layout()
    save(figure, out, "handwriting_styles.png")


def draw_all(out: Path) -> None:
    """Write every figure of the guide into `out`."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update({"figure.dpi": DPI, "axes.spines.top": False, "axes.spines.right": False})
    started = time.perf_counter()
    (x_train_raw, y_train), (x_test_raw, y_test) = load_data()
    draw_pixels(out, x_train_raw, y_train)
    draw_flatten(out, x_train_raw)
    draw_exploration(out, x_train_raw, y_train)
    draw_mnist_format(out, x_train_raw, y_train)

    prepare = reference("lesson_02_prepare")
    x_train, x_test = prepare.normalize(x_train_raw), prepare.normalize(x_test_raw)
    x_fit, x_val, y_fit, y_val = prepare.split_validation(x_train, y_train, 0.1, seed=SEED)
    draw_augmentation(out, x_train, y_train)
    untrained, model, history = train_reference(
        x_fit[:TRAIN_SUBSET], y_fit[:TRAIN_SUBSET], x_val, y_val
    )
    figure = reference("lesson_05_train").plot_history(history)
    figure.suptitle(
        f"The reference MLP {HIDDEN_UNITS}, dropout {DROPOUT}, augmented, "
        f"{TRAIN_SUBSET:,} training images, seed {SEED}",
        y=1.03,
    )
    save(figure, out, "training_curves.png")
    draw_softmax(out, untrained, model, x_test, y_test)
    draw_evaluation(out, model, x_test, y_test)
    draw_lesson_07(out, model, x_train_raw, y_train)
    draw_styles(out, model)
    print(f"figures: drew {len(list(out.glob('*.png')))} figures in "
          f"{time.perf_counter() - started:.0f} s", file=sys.stderr)


@contextlib.contextmanager
def drawing_lock():
    """Only one process draws at a time; the others wait, then find the figures drawn."""
    CACHE.mkdir(parents=True, exist_ok=True)
    try:
        import fcntl
    except ImportError:  # Windows: no lock, at worst two processes draw the same figures
        yield
        return
    with open(CACHE / "lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def cached_figures() -> Path:
    """The folder holding this version's figures, drawing them first if needed."""
    folder = CACHE / cache_key()
    if (folder / "DONE").is_file():
        return folder
    with drawing_lock():
        if (folder / "DONE").is_file():  # drawn by another process while this one waited
            return folder
        scratch = Path(tempfile.mkdtemp(prefix="drawing-", dir=CACHE))
        try:
            from mnist_course.check_support.quiet import filter_native_stderr

            filter_native_stderr()  # TensorFlow's C++ start-up lines read as a failed build
            draw_all(scratch)
            (scratch / "DONE").write_text("ok\n")
            for stale in CACHE.iterdir():  # keep only the newest version
                if stale.is_dir() and stale != scratch and not stale.name.startswith("drawing-"):
                    shutil.rmtree(stale, ignore_errors=True)
            if folder.exists():
                shutil.rmtree(folder)
            scratch.rename(folder)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
    return folder


def copy_figures(out: Path) -> list[str]:
    """Every figure into `out` (drawn first if the cache has none); their names."""
    folder = cached_figures()
    out.mkdir(parents=True, exist_ok=True)
    names = []
    for png in sorted(folder.glob("*.png")):
        target = out / png.name
        data = png.read_bytes()
        if not target.is_file() or target.read_bytes() != data:
            target.write_bytes(data)
        names.append(png.name)
    return names


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    target = Path(sys.argv[1])
    target.mkdir(parents=True, exist_ok=True)
    try:
        draw_all(target)
    except FigureError as error:
        sys.exit(f"figures: {error}")
