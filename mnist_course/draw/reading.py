"""One picture from the page, read by the learner's lesson 07 and model.

The same path as `mnist-course predict`: the learner's `read_image` reads the picture
(from a file under `.course/draw/`, removed straight after), `preprocess_digit` makes the
28x28 image, `predict_digit` asks the model. The model is loaded once; Keras models are
not thread-safe, so one picture is read at a time.
"""

from __future__ import annotations

import base64
import io
import tempfile
import threading
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, UnidentifiedImageError

from mnist_course.course import CourseError
from mnist_course.pipeline import Implementation, latest_model, load_model

# What a phone, a webcam or a drawing app produces; nothing else is decoded (Pillow can
# open dozens of formats, some through outside programs).
IMAGE_FORMATS = {"PNG": ".png", "JPEG": ".jpg", "WEBP": ".webp", "BMP": ".bmp", "GIF": ".gif", "TIFF": ".tif"}
UPLOADS_DIR = Path(".course") / "draw"


class PictureError(Exception):
    """A picture the course cannot read, or a lesson function that failed: one line for the learner."""

    def __init__(self, message: str, status: int):
        super().__init__(message)
        self.status = status  # the HTTP status the page gets


@dataclass
class Reading:
    digit: int
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
        raise PictureError("the picture is empty (0 bytes)", 400)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=list(IMAGE_FORMATS)) as image:
                return image.format
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise PictureError(
            "that file is not a picture the course reads: use PNG, JPEG, WebP, BMP, GIF or TIFF", 415
        ) from None


def predict_picture(impl: Implementation, model, grey: np.ndarray) -> tuple[np.ndarray, int, np.ndarray]:
    """`preprocess_digit` then `predict_digit`, called exactly as `mnist-course predict` calls them.

    To be replaced by `mnist_course.predict.predict_picture` once that exists (one idea,
    one place).
    """
    image = np.asarray(impl.function("07", "preprocess_digit")(grey), dtype=np.float32)
    if image.shape != (28, 28):
        raise ValueError(f"preprocess_digit returned shape {image.shape}, not (28, 28)")
    digits, probabilities = impl.function("07", "predict_digit")(model, np.stack([image]))
    probabilities = np.asarray(probabilities, dtype=np.float64).reshape(10)
    return image, int(np.asarray(digits).reshape(-1)[0]), probabilities


def describe(error: Exception) -> str:
    """One line; the learner's own ValueError messages are shown as written."""
    text = " ".join(str(error).split()) or type(error).__name__
    if isinstance(error, (ValueError, CourseError)):
        return text
    return f"{type(error).__name__}: {text}"


class DirectPredict:
    """The model, whose `predict` is a direct call for the page's batches of one.

    Keras' `predict` loop builds an input pipeline on every call: 30-200 ms here, most of
    the time between a stroke and its answer, for one image a direct call answers in a
    few ms with the same weights and numbers (Keras' docs advise `model(x)` for inputs
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


class Reader:
    """The learner's lesson 07 and one model, shared by the server's threads."""

    def __init__(self, root: Path, impl: Implementation, model_path: Path | None = None):
        self.root = Path(root)
        self.impl = impl
        self.model = None
        self.problem: str | None = None  # why there is no model, said on the page and per picture
        self.model_path = Path(model_path) if model_path else None
        self._lock = threading.Lock()
        try:
            self.model_path = self.model_path or latest_model(self.root)
            # Keras' safe mode: no code from the file runs.
            self.model = DirectPredict(load_model(self.model_path))
            # The first call sets TensorFlow up (a second or more): not on the learner's time.
            self.model.predict(np.zeros((1, *self.model.input_shape[1:]), np.float32))
        except CourseError as error:
            self.problem = f"{error} Fix that, then start `mnist-course draw` again."

    def read(self, data: bytes) -> Reading:
        """Read one picture's bytes; a PictureError says, in one line, why it could not be."""
        if self.model is None:
            raise PictureError(self.problem, 503)
        suffix = IMAGE_FORMATS[image_format(data)]
        with self._lock:
            started = time.perf_counter()
            folder = self.root / UPLOADS_DIR
            folder.mkdir(parents=True, exist_ok=True)
            # The learner's read_image takes a path, as in `mnist-course predict`.
            handle, name = tempfile.mkstemp(suffix=suffix, prefix="picture-", dir=folder)
            path = Path(name)
            try:
                with open(handle, "wb") as file:
                    file.write(data)
                grey = self.impl.function("07", "read_image")(path)
                image, digit, probabilities = predict_picture(self.impl, self.model, grey)
            except CourseError as error:  # a lesson function not written yet
                raise PictureError(describe(error), 501) from None
            except ValueError as error:  # the learner's lesson 07 says what is wrong with the picture
                raise PictureError(describe(error), 422) from None
            except Exception as error:  # noqa: BLE001 - the learner's code may raise anything
                raise PictureError(f"lesson 07 raised {describe(error)}", 500) from None
            finally:
                path.unlink(missing_ok=True)
            return Reading(digit, [float(p) for p in probabilities], image, time.perf_counter() - started)
