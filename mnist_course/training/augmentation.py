"""Lesson 04's augmentation, applied the fast way while the course's pipeline trains.

The learner's `augment()` block (Reshape, RandomRotation, RandomTranslation, RandomZoom) is
right for teaching, but inside the model each random layer warps the whole batch with its
own projective-transform op: three warps per batch cost more than the MLP's matrix work
(profiled on a loaded machine: ~27 ms per batch of 128 for the three layers, ~9 ms each,
against ~15 ms for a whole train step of the MLP).

Here the block's settings are read back from its layers, and each image gets ONE random
affine warp, composed of the same rotation, shift and zoom draws, with OpenCV on the CPU
(`cv2.warpAffine`, ~0.7 ms for a batch of 128), batch by batch in a `keras.utils.PyDataset`
that tf.data prefetches while the model trains. The model itself is built without the random
layers (they pass images through unchanged at prediction time anyway), so the saved model is
plain Keras.

A block with anything else in it (a learner's own extra layer) is not recognised:
`settings_of` returns None and the pipeline keeps the block inside the model, as before.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

# Keras' fill modes and interpolations, as OpenCV border modes and interpolation flags.
BORDERS = {
    "constant": cv2.BORDER_CONSTANT,
    "reflect": cv2.BORDER_REFLECT,
    "wrap": cv2.BORDER_WRAP,
    "nearest": cv2.BORDER_REPLICATE,
}
INTERPOLATIONS = {"bilinear": cv2.INTER_LINEAR, "nearest": cv2.INTER_NEAREST}
RANDOM_LAYERS = ("RandomRotation", "RandomTranslation", "RandomZoom")


@dataclass(frozen=True)
class Settings:
    """The ranges of lesson 04's random layers; each is a (low, high) pair."""

    rotation: tuple[float, float] = (0.0, 0.0)  # fractions of a full turn
    shift_y: tuple[float, float] = (0.0, 0.0)  # fractions of the height
    shift_x: tuple[float, float] = (0.0, 0.0)  # fractions of the width
    zoom_y: tuple[float, float] = (0.0, 0.0)  # 0.05 = up to 5% zoomed out
    zoom_x: tuple[float, float] | None = None  # None: the same zoom as zoom_y (aspect kept)
    fill_mode: str = "constant"
    fill_value: float = 0.0
    interpolation: str = "bilinear"


def as_range(factor) -> tuple[float, float]:
    """Keras' factor convention: a number f means (-f, f), a pair means itself."""
    if isinstance(factor, (list, tuple)):
        low, high = factor
        return float(low), float(high)
    return -abs(float(factor)), abs(float(factor))


def settings_of(block) -> Settings | None:
    """The ranges of a learner's augmentation block, or None if it is not one we can replay.

    Replayable: Reshape/InputLayer and at most one each of RandomRotation,
    RandomTranslation and RandomZoom, with one fill mode and one interpolation between them.
    """
    layers = getattr(block, "layers", None)
    if layers is None:
        layers = [block]
    found: dict[str, dict] = {}
    for layer in layers:
        kind = type(layer).__name__
        if kind in ("Reshape", "InputLayer"):
            continue
        if kind not in RANDOM_LAYERS or kind in found:
            return None
        found[kind] = layer.get_config()
    if not found:
        return None
    fills = {(c.get("fill_mode", "reflect"), float(c.get("fill_value", 0.0)))
             for c in found.values()}
    interpolations = {c.get("interpolation", "bilinear") for c in found.values()}
    if len(fills) != 1 or len(interpolations) != 1:
        return None
    (fill_mode, fill_value), (interpolation,) = fills.pop(), interpolations
    if fill_mode not in BORDERS or interpolation not in INTERPOLATIONS:
        return None
    rotation = found.get("RandomRotation", {})
    shift = found.get("RandomTranslation", {})
    zoom = found.get("RandomZoom", {})
    return Settings(
        rotation=as_range(rotation.get("factor", 0.0)),
        shift_y=as_range(shift.get("height_factor", 0.0)),
        shift_x=as_range(shift.get("width_factor", 0.0)),
        zoom_y=as_range(zoom.get("height_factor", 0.0)),
        zoom_x=None if zoom.get("width_factor") is None else as_range(zoom["width_factor"]),
        fill_mode=fill_mode,
        fill_value=fill_value,
        interpolation=interpolation,
    )


def random_matrices(
    settings: Settings, count: int, size: tuple[int, int], rng: np.random.Generator
) -> np.ndarray:
    """`count` (2, 3) matrices mapping each output pixel (x, y) to where it is read from.

    Rotation, then shift, then zoom, as the learner's layers apply them one after the
    other: reading through the three maps at once is one warp instead of three.
    """
    height, width = size
    angle = 2 * math.pi * rng.uniform(*settings.rotation, count)
    shift_y = height * rng.uniform(*settings.shift_y, count)
    shift_x = width * rng.uniform(*settings.shift_x, count)
    zoom_y = 1.0 + rng.uniform(*settings.zoom_y, count)
    zoom_x = zoom_y if settings.zoom_x is None else 1.0 + rng.uniform(*settings.zoom_x, count)
    cy, cx = (height - 1) / 2, (width - 1) / 2
    cos, sin = np.cos(angle), np.sin(angle)
    # source = centre + R(angle) @ (zoom * (output - centre) - shift)
    matrices = np.empty((count, 2, 3))
    matrices[:, 0, 0], matrices[:, 0, 1] = cos * zoom_x, -sin * zoom_y
    matrices[:, 1, 0], matrices[:, 1, 1] = sin * zoom_x, cos * zoom_y
    offset_x = -zoom_x * cx - shift_x
    offset_y = -zoom_y * cy - shift_y
    matrices[:, 0, 2] = cx + cos * offset_x - sin * offset_y
    matrices[:, 1, 2] = cy + sin * offset_x + cos * offset_y
    return matrices


def warp(images: np.ndarray, settings: Settings, rng: np.random.Generator) -> np.ndarray:
    """Each image of `images` ((n, h, w) or (n, h, w, 1) float32) moved by its own random warp."""
    flat = np.ascontiguousarray(images.reshape(images.shape[:3]), dtype=np.float32)
    matrices = random_matrices(settings, len(flat), flat.shape[1:3], rng)
    out = np.empty_like(flat)
    flags = INTERPOLATIONS[settings.interpolation] | cv2.WARP_INVERSE_MAP
    for image, matrix, target in zip(flat, matrices, out):
        cv2.warpAffine(image, matrix, flat.shape[2:0:-1], dst=target, flags=flags,
                       borderMode=BORDERS[settings.fill_mode], borderValue=settings.fill_value)  # fmt: skip
    return out.reshape(images.shape)


def batches(x, y, settings: Settings, batch_size: int, seed: int):
    """A PyDataset of augmented (images, labels) batches: new draws and a new order every epoch.

    Seeded: batch `i` of epoch `e` depends only on (seed, e, i), so runs repeat exactly.
    """
    import keras

    class AugmentedBatches(keras.utils.PyDataset):
        def __init__(self):
            super().__init__()  # one worker, no processes: tf.data prefetches the batches
            self.epoch = 0
            self.order = self._order()

        def _order(self):
            return np.random.default_rng((seed, self.epoch)).permutation(len(x))

        def __len__(self):
            return math.ceil(len(x) / batch_size)

        def __getitem__(self, index):
            chosen = np.sort(self.order[index * batch_size : (index + 1) * batch_size])
            rng = np.random.default_rng((seed, self.epoch, index))
            return warp(np.asarray(x[chosen], dtype=np.float32), settings, rng), y[chosen]

        def on_epoch_end(self):
            self.epoch += 1
            self.order = self._order()

    return AugmentedBatches()
