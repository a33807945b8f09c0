"""`mnist-course predict`: read the learner's own digit pictures with a trained model.

The work is done by the chosen implementation's lesson 07 functions (`read_image`,
`preprocess_digit`, `predict_digit`, `explain_figure`), so a learner sees their own
pipeline read their own handwriting. This module only orchestrates: every picture is
read and preprocessed on its own (a bad one is reported and the others still go
through), then all good ones are predicted in one batch, one call to the model.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from mnist_course.course import CourseError, load_lesson
from mnist_course.pipeline import Implementation, latest_model, load_model

LOW_CONFIDENCE = 0.5
ADVICE = (
    "crop closer to the digit, give it more contrast (a darker pen, brighter even light), "
    "and keep one digit per image"
)
MEANS_FILE = Path(".course") / "mnist-means.npy"


@dataclass
class Prediction:
    path: str
    digit: int | None = None
    probabilities: list[float] = field(default_factory=list)
    error: str | None = None
    explanation: Path | None = None

    @property
    def confidence(self) -> float:
        return max(self.probabilities) if self.probabilities else 0.0

    def top(self, k: int) -> list[tuple[int, float]]:
        order = np.argsort(self.probabilities)[::-1][:k]
        return [(int(d), float(self.probabilities[d])) for d in order]

    def as_json(self) -> dict:
        if self.error is not None:
            return {"path": self.path, "error": self.error}
        return {"path": self.path, "digit": self.digit, "probabilities": self.probabilities}


def _describe(error: Exception) -> str:
    """A one-line reason; the learner's own ValueError messages are shown as written."""
    text = " ".join(str(error).split()) or type(error).__name__
    if isinstance(error, (ValueError, FileNotFoundError)):
        return text
    return f"{type(error).__name__}: {text}"


def mnist_means(root: Path) -> np.ndarray | None:
    """The average MNIST training image of each digit, (10, 28, 28), cached under .course/.

    Loaded with the reference lesson 01 (the learner's own may not be written yet);
    None when MNIST is not available, so the explanation simply leaves that panel out.
    """
    cache = root / MEANS_FILE
    if cache.is_file():
        try:
            return np.load(cache)
        except (OSError, ValueError):
            pass
    try:
        (x_train, y_train), _ = load_lesson(root / "solutions", "01").load_mnist()
    except Exception:  # noqa: BLE001 - no MNIST here: the figure does without it
        return None
    means = np.stack([x_train[y_train == d].mean(axis=0) for d in range(10)]).astype(np.float32)
    cache.parent.mkdir(parents=True, exist_ok=True)
    np.save(cache, means)
    return means


def predict_images(
    root: Path,
    impl: Implementation,
    paths: list[Path],
    model_path: Path | None = None,
    explain_dir: Path | None = None,
) -> list[Prediction]:
    """Predict every picture in `paths` (in order); bad pictures get an `error` instead."""
    model_path = Path(model_path) if model_path else latest_model(root)
    read = impl.function("07", "read_image")
    preprocess = impl.function("07", "preprocess_digit")
    predict = impl.function("07", "predict_digit")

    results = [Prediction(str(path)) for path in paths]
    greys, images, good = [], [], []
    for index, path in enumerate(paths):
        try:
            grey = read(path)
            image = np.asarray(preprocess(grey), dtype=np.float32)
        except CourseError:
            raise  # a lesson function not written yet: stop with its one-line message
        except Exception as error:  # noqa: BLE001 - one bad picture must not stop the rest
            results[index].error = _describe(error)
            continue
        if image.shape != (28, 28):
            results[index].error = f"preprocess_digit returned shape {image.shape}, not (28, 28)"
            continue
        greys.append(grey)
        images.append(image)
        good.append(index)

    # The model (and TensorFlow, ~700 MB) is loaded only now: a huge picture has been
    # decoded, shrunk and freed by then, so the two never take memory at the same time.
    model = load_model(model_path)
    if good:
        digits, probabilities = predict(model, np.stack(images))
        probabilities = np.asarray(probabilities, dtype=np.float64).reshape(len(good), 10)
        for slot, index in enumerate(good):
            results[index].digit = int(np.asarray(digits).reshape(-1)[slot])
            results[index].probabilities = [float(p) for p in probabilities[slot]]

    if explain_dir is not None and good:
        explain = impl.function("07", "explain_figure")
        import matplotlib.pyplot as plt

        folder = Path(explain_dir)
        if folder.exists() and not folder.is_dir():
            raise CourseError(f"--explain {explain_dir}: not a folder")
        folder.mkdir(parents=True, exist_ok=True)
        means = mnist_means(root)
        used = set()
        for slot, index in enumerate(good):
            stem = Path(paths[index]).stem or f"image-{index}"
            name = f"{stem}-explained.png"
            if name in used:  # two pictures with one name in different folders
                name = f"{stem}-{index}-explained.png"
            used.add(name)
            figure = explain(greys[slot], images[slot], np.asarray(results[index].probabilities), means)
            figure.savefig(folder / name, dpi=100)
            plt.close(figure)
            results[index].explanation = folder / name
    return results


def report_text(results: list[Prediction], top: int) -> list[str]:
    """The lines `mnist-course predict` prints for the good pictures."""
    lines = []
    for result in results:
        if result.error is not None:
            continue
        ranked = ", ".join(f"{d} {p:.1%}" for d, p in result.top(top))
        lines.append(f"{result.path}: {result.digit} ({result.confidence:.1%} sure) · top {top}: {ranked}")
        if result.confidence < LOW_CONFIDENCE:
            lines.append(f"  warning: only {result.confidence:.0%} sure; to help the model, {ADVICE}.")
        if result.explanation is not None:
            lines.append(f"  explanation: {result.explanation}")
    return lines


def report_json(results: list[Prediction]) -> str:
    return json.dumps([result.as_json() for result in results])
