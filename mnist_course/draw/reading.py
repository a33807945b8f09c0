"""One picture from the page, read by the learner's lesson 07 and model.

The same path as `mnist-course predict`: the learner's `read_image` reads the picture
(from a file under `.course/draw/`, removed straight after), then `predict_picture` runs
their `preprocess_digit` and `predict_digit`. The model is loaded once; Keras models are
not thread-safe, so one picture is read at a time.

Each reading has the time limit `mnist-course progress` and `watch` give a lesson's checks
(`--time-limit`, 120 s by default). Python cannot stop a thread, so lesson code that never
returns goes on running: the picture is answered with where it is stuck, and so is every
later one, until the learner fixes it and starts `mnist-course draw` again (a new process,
which imports the fixed file).
"""

from __future__ import annotations

import base64
import io
import sys
import tempfile
import threading
import time
import traceback
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, UnidentifiedImageError

from mnist_course.companion.runner import DEFAULT_LIMIT
from mnist_course.course import CourseError, lesson
from mnist_course.training.model_files import ModelFileError
from mnist_course.training.pipeline import Implementation, LearnerCodeError, latest_model, load_model
from mnist_course.pictures.image_files import PICTURE_FORMATS
from mnist_course.training.predict import DirectPredict, predict_picture
from mnist_course.course.workspace import Workspace, relative

# The formats `mnist-course predict` reads (what a phone, a webcam or a drawing app saves;
# Pillow can open dozens more, some through outside programs), each with the suffix the
# upload is saved under for lesson 07's read_image.
SUFFIXES = {"PNG": ".png", "JPEG": ".jpg", "MPO": ".jpg", "WEBP": ".webp", "BMP": ".bmp",
            "GIF": ".gif", "TIFF": ".tif", "HEIF": ".heic", "AVIF": ".avif"}
IMAGE_FORMATS = {name: SUFFIXES[name] for name in PICTURE_FORMATS}


class PictureError(Exception):
    """A picture the course cannot read, or a lesson function that failed: one line for the learner."""

    def __init__(self, message: str, status: int):
        super().__init__(message)
        self.status = status  # the HTTP status the page gets


@dataclass
class Reading:
    digit: int | None  # None when two digits share the top score
    probabilities: list[float]
    image: np.ndarray  # the (28, 28) float32 image the model saw
    seconds: float

    def as_json(self) -> dict:
        return {
            "digit": self.digit,
            "probabilities": self.probabilities,
            "image": png_data_url(self.image),
            "seconds": round(self.seconds, 4),
        }


def png_data_url(image: np.ndarray) -> str:
    """A (28, 28) image in [0, 1] as a PNG data URL, for an <img> on the page."""
    buffer = io.BytesIO()
    Image.fromarray(np.clip(image * 255.0 + 0.5, 0, 255).astype(np.uint8), mode="L").save(buffer, "PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def image_format(data: bytes) -> str:
    """The picture's format, told from its header; a PictureError unless it is one we decode."""
    if not data:
        raise PictureError("it is empty (0 bytes)", 400)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=list(IMAGE_FORMATS)) as image:
                return image.format
    except Image.DecompressionBombError:
        raise PictureError("it has far too many pixels: use a smaller one", 413) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise PictureError(
            "it is not a picture the course reads: use "
            + ", ".join(name for name in IMAGE_FORMATS if name != "MPO"), 415
        ) from None


def one_line(error: BaseException) -> str:
    """The learner's own exception as one line; their ValueError messages as written."""
    text = " ".join(str(error).split()) or type(error).__name__
    return text if isinstance(error, (ValueError, CourseError)) else f"{type(error).__name__}: {text}"


class Reader:
    """The learner's lesson 07 and one model, shared by the server's threads."""

    def __init__(self, root: Path, impl: Implementation, model_path: Path | None = None,
                 limit: float | None = DEFAULT_LIMIT):  # fmt: skip
        self.root = Path(root)
        self.impl = impl
        self.limit = limit  # seconds per picture; None: no limit
        self.model = None
        self.problem: str | None = None  # why there is no model, said on the page and per picture
        self.stuck: str | None = None  # lesson code that did not return in time, said per picture
        self.model_path = Path(model_path) if model_path else None
        self._lock = threading.Lock()
        self._pictures: set[Path] = set()  # on disk while a reading uses them
        try:
            self.model_path = self.model_path or latest_model(self.root)
            # Keras' safe mode: no code from the file runs.
            self.model = DirectPredict(load_model(self.model_path))
            # The first call sets TensorFlow up (a second or more): not on the learner's time.
            self.model.predict(np.zeros((1, *self.model.input_shape[1:]), np.float32))
        except CourseError as error:
            said = str(error).rstrip(".")
            self.problem = f"{said}. Fix that, then start `mnist-course draw` again."
        try:  # import lesson 07 (and its OpenCV, Matplotlib) now, not on the first stroke
            impl.function("07", "read_image")
        except CourseError:
            pass  # said on the page, picture by picture

    def read(self, data: bytes) -> Reading:
        """Read one picture's bytes; a PictureError says, in one line, why it could not be."""
        if self.model is None:
            raise PictureError(self.problem, 503)
        suffix = IMAGE_FORMATS[image_format(data)]
        with self._lock:
            if self.stuck:
                raise PictureError(self.stuck, 503)
            started = time.perf_counter()
            path = self._picture(data, suffix)
            try:
                result = self._within_limit(path)
            finally:
                self._remove(path)
            if result.error is not None:  # preprocess_digit says what is wrong with the picture
                raise PictureError(result.error, 422)
            return Reading(result.digit, result.probabilities, result.image, time.perf_counter() - started)

    def close(self) -> None:
        """Remove the pictures still on disk: readings cut short by Ctrl-C or by the time limit."""
        for path in list(self._pictures):
            self._remove(path)

    def _picture(self, data: bytes, suffix: str) -> Path:
        """The picture as a file under .course/draw/: the learner's read_image takes a path,
        as in `mnist-course predict`."""
        folder = Workspace(self.root).draw_uploads
        folder.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(suffix=suffix, prefix="picture-", dir=folder)
        path = Path(name)
        self._pictures.add(path)
        try:
            with open(handle, "wb") as file:
                file.write(data)
        except BaseException:
            self._remove(path)
            raise
        return path

    def _remove(self, path: Path) -> None:
        path.unlink(missing_ok=True)
        self._pictures.discard(path)

    def _within_limit(self, path: Path):
        """`_read_file(path)` in a thread of its own, waited for at most `limit` seconds."""
        outcome: dict = {}

        def run():
            try:
                outcome["result"] = self._read_file(path)
            except BaseException as error:  # noqa: BLE001 - raised again in the caller's thread
                outcome["error"] = error

        worker = threading.Thread(target=run, name="mnist-course-draw-reading", daemon=True)
        worker.start()
        worker.join(self.limit)
        if worker.is_alive():
            self.stuck = self._stuck_in(worker)
            raise PictureError(self.stuck, 504)
        if "error" in outcome:
            raise outcome["error"]
        return outcome["result"]

    def _stuck_in(self, worker: threading.Thread) -> str:
        """The one line for a reading still running at the limit: which function, at which line."""
        unit = lesson("07")
        folder = Path(self.impl.folder).resolve()
        frame = sys._current_frames().get(worker.ident)
        stack = traceback.extract_stack(frame) if frame is not None else []
        for summary in reversed(stack):  # innermost first
            file = Path(summary.filename)
            if file.name == unit.filename and file.resolve().parent == folder:
                return (
                    f"{summary.name}() did not return within {self.limit:.0f} s (still running at "
                    f"{relative(file, self.root)}:{summary.lineno}): look for a loop that never ends. "
                    "Fix it, then start `mnist-course draw` again."
                )
        return (
            f"lesson 07 did not finish reading the picture within {self.limit:.0f} s: a busy machine "
            "can be this slow; close other programs and start `mnist-course draw` again."
        )

    def _read_file(self, path: Path):
        """The learner's read_image, preprocess_digit and predict_digit on one picture file."""
        try:
            try:
                grey = self.impl.function("07", "read_image")(path)
            except LearnerCodeError as error:
                if error.original is None:
                    raise
                # read_image says what is wrong with the picture (named by its file here).
                raise PictureError(one_line(error.original).replace(str(path), "the picture"), 422) from None
            return predict_picture(self.impl, self.model, grey)
        except ModelFileError as error:  # scores that are NaN or infinite
            raise PictureError(" ".join(str(error).split()), 503) from None
        except LearnerCodeError as error:  # the learner's code failed: the teaching line
            raise PictureError(" ".join(str(error).split()), 500) from None
        except CourseError as error:  # a lesson function not written yet
            raise PictureError(" ".join(str(error).split()), 501) from None
