"""`mnist-course predict`: read the learner's own digit pictures with a trained model.

The work is done by the chosen implementation's lesson 07 functions (`read_image`,
`preprocess_digit`, `predict_digit`, `explain_figure`), so a learner sees their own
pipeline read their own handwriting. This module only orchestrates: pictures are taken
one at a time (read, preprocessed, predicted, explained, then let go), so each result is
known as soon as its picture is read, a bad picture is reported while the others still go
through, and 400 phone photos take no more memory than one.

`predict_picture` is the same path for one greyscale picture already in memory (the
drawing page uses it).
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import numpy as np

from mnist_course.course import CourseError, load_lesson
from mnist_course.training.model_files import ModelFileError, check_archive, check_scores, describe_os_error
from mnist_course.training.pipeline import Implementation, LearnerCodeError, latest_model, load_model
from mnist_course.course.workspace import Workspace, write_atomically

LOW_CONFIDENCE = 0.5
ADVICE = (
    "crop closer to the digit, give it more contrast (a darker pen, brighter even light), "
    "and keep one digit per image"
)


@dataclass
class Prediction:
    path: str
    digit: int | None = None
    probabilities: list[float] = field(default_factory=list)
    error: str | None = None
    explanation: Path | None = None
    explanation_error: str | None = None  # why the --explain figure could not be written
    image: np.ndarray | None = field(default=None, repr=False)  # the 28x28 the model saw

    @property
    def confidence(self) -> float:
        return max(self.probabilities) if self.probabilities else 0.0

    @property
    def tied(self) -> list[int]:
        """The digits sharing the top score, when more than one does (no answer, then)."""
        if not self.probabilities:
            return []
        top = max(self.probabilities)
        tied = [d for d, p in enumerate(self.probabilities) if abs(p - top) <= 1e-6]
        return tied if len(tied) > 1 else []

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
    if isinstance(error, OSError) and error.errno is not None:
        return describe_os_error(error)
    return f"{type(error).__name__}: {text}"


NO_DIGIT_TRY = ("; try again with one digit, written in a dark pen on light paper, filling a good "
                "part of the picture, in even light")


def looked_like(grey) -> str:
    """What a picture with no digit found looked like, as " (to the course, ...)"; "" if unsure.

    Measured by the course's `how_it_looked`, never the learner's code; a picture it cannot
    describe leaves the learner's own message as it was.
    """
    from mnist_course.pictures.digit_tools import how_it_looked

    try:
        return f" (to the course, {how_it_looked(grey)})"
    except Exception:  # noqa: BLE001 - a description must never hide the learner's own message
        return ""


def mnist_means(root: Path) -> np.ndarray | None:
    """The average MNIST training image of each digit, (10, 28, 28), cached under .course/.

    Loaded with the reference lesson 01 (the learner's own may not be written yet);
    None when MNIST is not available, so the explanation simply leaves that panel out.
    A cache that is not ten finite 28x28 images is made again.
    """
    cache = Workspace(root).mnist_means
    if cache.is_file():
        try:
            means = np.load(cache, allow_pickle=False)
            if means.shape == (10, 28, 28) and np.isfinite(means).all():
                return means.astype(np.float32)
        except (OSError, ValueError, EOFError):
            pass
    try:
        (x_train, y_train), _ = load_lesson(root / "solutions", "01").load_mnist()
        means = np.stack([x_train[y_train == d].mean(axis=0) for d in range(10)]).astype(np.float32)
    except Exception:  # noqa: BLE001 - no MNIST here: the figure does without it
        return None
    try:
        import io

        buffer = io.BytesIO()
        np.save(buffer, means)
        write_atomically(cache, buffer.getvalue())
    except OSError:
        pass  # only a cache
    return means


class DirectPredict:
    """The model, whose `predict` is a direct call for the batches of one pictures come in.

    Keras' `predict` loop builds an input pipeline on every call: 30-200 ms here, for one
    picture (`mnist-course predict` and the draw page read one at a time) a direct call
    answers in a few ms with the same weights and numbers (Keras' docs advise `model(x)` for inputs
    that fit in one batch). Everything else is the model itself, so the learner's
    `predict_digit` runs as written; anything the direct call cannot take goes to Keras'
    own `predict`.
    """

    def __init__(self, model):
        self.model = model

    def __getattr__(self, name):
        return getattr(self.model, name)

    def __call__(self, *args, **kwargs):
        return self.model(*args, **kwargs)

    def predict(self, x, *args, **kwargs):
        import keras

        try:
            return keras.ops.convert_to_numpy(self.model(np.asarray(x, dtype=np.float32), training=False))
        except Exception:  # noqa: BLE001 - e.g. a big or unusual input: Keras' loop handles it
            return self.model.predict(x, *args, **kwargs)


def predict_picture(impl: Implementation, model, grey, path: str = "picture") -> Prediction:
    """Preprocess and predict one greyscale picture in memory (2-D uint8, 0 black..255 white).

    The same steps as `mnist-course predict`, through the implementation's lesson 07
    `preprocess_digit` and `predict_digit`. A picture the learner's code cannot handle
    comes back with `error` set; a CourseError (a function not written yet, a broken
    model) is raised. `result.image` is the 28x28 picture the model saw.
    """
    result = Prediction(str(path))
    try:
        image = np.asarray(impl.function("07", "preprocess_digit")(grey), dtype=np.float32)
    except LearnerCodeError as error:
        if error.original is None:
            raise
        result.error = _describe(error.original)  # one bad picture must not stop the rest
        if isinstance(error.original, ValueError) and "no digit" in result.error.lower():
            result.error += looked_like(grey) + NO_DIGIT_TRY
        return result
    if image.shape != (28, 28):
        result.error = f"preprocess_digit returned shape {image.shape}, not (28, 28)"
        return result
    digits, probabilities = impl.function("07", "predict_digit")(model, image[np.newaxis])
    probabilities = check_scores(probabilities, "the model").reshape(-1)
    if probabilities.shape != (10,):
        raise CourseError(f"predict_digit returned {probabilities.size} scores for one picture, not 10")
    result.digit = int(np.asarray(digits).reshape(-1)[0])
    result.probabilities = [float(p) for p in probabilities]
    result.image = image
    if result.tied:
        result.digit = None
    return result


def predict_images(
    root: Path,
    impl: Implementation,
    paths: list[Path],
    model_path: Path | None = None,
    explain_dir: Path | None = None,
) -> Iterator[Prediction]:
    """Predict every picture in `paths`, in order, yielding each result as soon as it is known.

    Bad pictures come with an `error` instead. Only the current picture is held in memory.
    """
    model_path = Path(model_path) if model_path else latest_model(root)
    check_archive(model_path)  # a bad model file is said at once, before any picture is read
    read = impl.function("07", "read_image")
    impl.function("07", "preprocess_digit")
    impl.function("07", "predict_digit")
    folder = Path(explain_dir) if explain_dir is not None else None
    if folder is not None and folder.exists() and not folder.is_dir():
        raise CourseError(f"--explain {explain_dir}: not a folder")

    model = None
    figures = Figures(root, impl, folder, pictures=paths) if folder is not None else None
    for index, path in enumerate(paths):
        try:
            grey = read(path)
        except LearnerCodeError as error:
            if error.original is None:
                raise  # read_image returned None: a bug, not a bad picture
            yield Prediction(str(path), error=_describe(error.original))
            continue
        # The model (and TensorFlow, ~700 MB) is loaded only after the first picture has been
        # decoded, shrunk and let go: one huge photo and TensorFlow never share the memory.
        if model is None:
            model = DirectPredict(load_model(model_path))
        try:
            result = predict_picture(impl, model, grey, str(path))
        except ModelFileError as error:
            raise ModelFileError(str(error).replace("the model", str(model_path), 1)) from None
        if figures is not None and result.error is None:
            figures.explain(result, grey, index)
        result.image = None
        del grey
        yield result
    if model is None:
        load_model(model_path)  # no picture could be read: still say if the model is unusable


# Written into each --explain figure, so a later run knows the file at that name is its own.
FIGURE_MARK = {"Software": "mnist-course predict --explain"}


class Figures:
    """Writes the --explain figure of each picture; after the first failure, says so and stops.

    A figure replaces only an earlier run's figure: never one of the pictures being read, nor
    any other file of the learner's (a free name is taken instead). Each is written atomically.
    """

    def __init__(self, root: Path, impl: Implementation, folder: Path, pictures=()):
        self.root, self.impl, self.folder = root, impl, folder
        self.pictures = {Path(picture).resolve() for picture in pictures}
        self.problem: str | None = None
        self.used: set[str] = set()
        self.means = None
        self.ready = False

    def explain(self, result: Prediction, grey, index: int) -> None:
        if self.problem is None:
            try:
                self._write(result, grey, index)
            except OSError as error:
                self.problem = (
                    f"could not write the explanation figures to {self.folder} "
                    f"({describe_os_error(error)}); the predictions are still shown."
                )
        result.explanation_error = self.problem

    def _write(self, result: Prediction, grey, index: int) -> None:
        import matplotlib.pyplot as plt

        if not self.ready:
            self.folder.mkdir(parents=True, exist_ok=True)
            self.means = mnist_means(self.root)
            self.ready = True
        name = self._free_name(Path(result.path).stem or f"image-{index}")
        self.used.add(name)
        explain = self.impl.function("07", "explain_figure")
        figure = explain(grey, result.image, np.asarray(result.probabilities), self.means)
        png = io.BytesIO()
        try:
            figure.savefig(png, format="png", dpi=100, metadata=FIGURE_MARK)
        finally:
            plt.close(figure)
        write_atomically(self.folder / name, png.getvalue())
        result.explanation = self.folder / name

    def _free_name(self, stem: str) -> str:
        """`stem`-explained.png, or -2, -3 ... after it: the first name this run has not used
        that holds no file, or an earlier run's figure."""
        for number in range(1, 10_000):
            name = f"{stem}-explained{'' if number == 1 else f'-{number}'}.png"
            path = self.folder / name
            taken = name in self.used or path.resolve() in self.pictures
            if not taken and (not path.exists() or _ours(path)):  # opened only when it may be ours
                return name
        raise OSError(f"no free name for {stem}'s figure")


def _ours(path: Path) -> bool:
    """Whether `path` is an --explain figure (its PNG text says so), read from its header only."""
    from PIL import Image

    try:
        with Image.open(path) as image:
            return image.format == "PNG" and image.info.get("Software") == FIGURE_MARK["Software"]
    except (OSError, ValueError, Image.DecompressionBombError):
        return False


def result_lines(result: Prediction, top: int) -> list[str]:
    """The lines `mnist-course predict` prints for one picture (none for a bad one)."""
    if result.error is not None:
        return []
    ranked = ", ".join(f"{d} {p:.1%}" for d, p in result.top(top))
    tied = result.tied
    if len(tied) == 10:
        lines = [f"{result.path}: no answer: all digits equally likely ({result.confidence:.1%} each)"]
    elif tied:
        names = ", ".join(map(str, tied))
        lines = [
            f"{result.path}: no answer: {names} equally likely ({result.confidence:.1%} each)"
            f" · top {top}: {ranked}"
        ]
    else:
        lines = [f"{result.path}: {result.digit} ({result.confidence:.1%} sure) · top {top}: {ranked}"]
    if result.confidence < LOW_CONFIDENCE:
        lines.append(f"  warning: only {result.confidence:.0%} sure; to help the model, {ADVICE}.")
    if result.explanation is not None:
        lines.append(f"  explanation: {result.explanation}")
    return lines


def report_text(results: list[Prediction], top: int) -> list[str]:
    """The lines `mnist-course predict` prints for the good pictures."""
    return [line for result in results for line in result_lines(result, top)]


def report_json(results: list[Prediction]) -> str:
    return json.dumps([result.as_json() for result in results])
