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

On top of the learner's moves, the course adds its own (`Extras`, issue 24): what real
handwriting does that MNIST's rarely does. A slant (shear) and a squeeze (aspect) go into the
same one warp; a bolder or finer pen is one dilation or erosion of some images; and a few
styles MNIST lacks are drawn into some training digits before the warp (`STYLES`): a 1 with a
flag, a 7 with a bar, a 9 whose tail hooks to the left, each digit then (for the MLP) boxed
and centred again as MNIST's were (`as_mnist`). They cost little: no extra image, no extra step.
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


@dataclass(frozen=True)
class Extras:
    """The course's own moves on top of the learner's block (all off by default).

    shear: largest slant, as x moved per unit of y (0.2: a 20-pixel-tall digit leans up to
    4 pixels); aspect: largest squeeze, as the log of width/height scaling (0.1: about +-10%);
    pen: the share of images drawn with a bolder pen (dilated) and, as many, with a finer one
    (eroded); styles: the share of the digits `STYLES` knows that get that style drawn in;
    reboxed: each styled digit boxed and centred again as MNIST's (`as_mnist`), which the MLP
    needs (it reads each pixel where it is) and the CNN reads better without (pipeline.EXTRAS).
    """

    shear: float = 0.0
    aspect: float = 0.0
    pen: float = 0.0
    styles: float = 0.0
    reboxed: bool = True


def random_matrices(
    settings: Settings, count: int, size: tuple[int, int], rng: np.random.Generator,
    extras: Extras | None = None,
) -> np.ndarray:
    """`count` (2, 3) matrices mapping each output pixel (x, y) to where it is read from.

    Rotation, then shift, then zoom, as the learner's layers apply them one after the
    other: reading through the three maps at once is one warp instead of three. `extras`
    adds a slant and a squeeze to the same map (drawn after the learner's draws, so without
    them the draws are the same).
    """
    height, width = size
    angle = 2 * math.pi * rng.uniform(*settings.rotation, count)
    shift_y = height * rng.uniform(*settings.shift_y, count)
    shift_x = width * rng.uniform(*settings.shift_x, count)
    zoom_y = 1.0 + rng.uniform(*settings.zoom_y, count)
    zoom_x = zoom_y if settings.zoom_x is None else 1.0 + rng.uniform(*settings.zoom_x, count)
    shear = np.zeros(count)
    if extras is not None and (extras.shear or extras.aspect):
        shear = rng.uniform(-extras.shear, extras.shear, count)
        zoom_x = zoom_x * np.exp(rng.uniform(-extras.aspect, extras.aspect, count))
    cy, cx = (height - 1) / 2, (width - 1) / 2
    cos, sin = np.cos(angle), np.sin(angle)
    # source = centre + R(angle) @ (Z(zoom) @ S(shear) @ (output - centre) - shift)
    matrices = np.empty((count, 2, 3))
    matrices[:, 0, 0], matrices[:, 0, 1] = cos * zoom_x, cos * zoom_x * shear - sin * zoom_y
    matrices[:, 1, 0], matrices[:, 1, 1] = sin * zoom_x, sin * zoom_x * shear + cos * zoom_y
    offset_x = -zoom_x * (cx + shear * cy) - shift_x
    offset_y = -zoom_y * cy - shift_y
    matrices[:, 0, 2] = cx + cos * offset_x - sin * offset_y
    matrices[:, 1, 2] = cy + sin * offset_x + cos * offset_y
    return matrices


def warp(images: np.ndarray, settings: Settings, rng: np.random.Generator,
         extras: Extras | None = None, styled: np.ndarray | None = None) -> np.ndarray:
    """Each image of `images` ((n, h, w) or (n, h, w, 1) float32) moved by its own random warp.

    With `extras`, the course's own moves too: the slant and squeeze in the same warp, then
    the pen. `styled`, when given, is `images` with their style drawn in (`draw_styles`, NaN
    for a digit without one): `extras.styles` of the images that have one are taken from it.
    """
    flat = np.ascontiguousarray(images.reshape(images.shape[:3]), dtype=np.float32)
    if extras is not None and extras.styles and styled is not None:
        has_style = ~np.isnan(styled[:, 0, 0])
        take = has_style & (rng.uniform(0, 1, len(flat)) < extras.styles)
        if take.any():
            flat = flat.copy()
            flat[take] = styled[take]
    matrices = random_matrices(settings, len(flat), flat.shape[1:3], rng, extras)
    out = np.empty_like(flat)
    flags = INTERPOLATIONS[settings.interpolation] | cv2.WARP_INVERSE_MAP
    for image, matrix, target in zip(flat, matrices, out):
        cv2.warpAffine(image, matrix, flat.shape[2:0:-1], dst=target, flags=flags,
                       borderMode=BORDERS[settings.fill_mode], borderValue=settings.fill_value)  # fmt: skip
    if extras is not None and extras.pen:
        change_pen(out, extras.pen, rng)
    return out.reshape(images.shape)


def change_pen(images: np.ndarray, share: float, rng: np.random.Generator) -> None:
    """In place: `share` of the images drawn with a pen one pixel bolder (a 2x2 dilation), as
    many with one a pixel finer (a 2x2 erosion), the whole batch at once.

    An erosion that would leave less than half of the digit's ink (a thin stroke vanishing)
    is skipped.
    """
    draws = rng.uniform(0, 1, len(images))
    bolder, finer = draws < share, (draws >= share) & (draws < 2 * share)
    if bolder.any():
        images[bolder] = _neighbours(images[bolder], np.maximum)
    if finer.any():
        thinned = _neighbours(images[finer], np.minimum)
        kept = thinned.sum(axis=(1, 2)) > 0.5 * images[finer].sum(axis=(1, 2))
        chosen = np.flatnonzero(finer)[kept]
        images[chosen] = thinned[kept]


def _neighbours(images: np.ndarray, pick) -> np.ndarray:
    """Each pixel's `pick` (np.maximum or np.minimum) over its 2x2 block (itself, up, left, up-left)."""
    out = images.copy()
    pick(out[:, 1:, :], images[:, :-1, :], out=out[:, 1:, :])
    pick(out[:, :, 1:], images[:, :, :-1], out=out[:, :, 1:])
    pick(out[:, 1:, 1:], images[:, :-1, :-1], out=out[:, 1:, 1:])
    if pick is np.minimum:  # the first row and column have no neighbour up or left: paper there
        out[:, 0, :] = 0.0
        out[:, :, 0] = 0.0
    return out


def _ink(image: np.ndarray, level: float = 0.5):
    rows, cols = np.nonzero(image > level)
    return rows, cols


def _line(image: np.ndarray, start, end, width: int) -> None:
    """Draw a stroke as MNIST's: bright, anti-aliased, `width` pixels wide (fixed point, 1/16 px)."""
    scale = 16
    cv2.line(image, (round(start[0] * scale), round(start[1] * scale)),
             (round(end[0] * scale), round(end[1] * scale)), 1.0, width, cv2.LINE_AA, 4)  # fmt: skip


# A flag goes only on a 1 leaning forward (its top to the right) by at most this many degrees. Most
# of MNIST's 1s lean forward (median 12 degrees), and a flag on one is a 7 with a short bar; the
# real digits' 1s stand upright (median 3 degrees back). Flags on every 1 taught the MLP to read
# MNIST's short-barred 7s as 1s: the extras cost it 11 of MNIST's test images on average over
# seeds 0-4, 3 with this limit, reading as many real digits (pipeline.py has the figures).
FLAG_MAX_LEAN = 10


def forward_lean(image: np.ndarray) -> float:
    """How far the digit's ink (over half bright) leans forward, in degrees: positive when its top
    is right of its foot, as in "/", from its second moments; infinite when it has no height."""
    m = cv2.moments((image > 0.5).astype(np.float32))
    return -math.degrees(math.atan2(m["mu11"], m["mu02"])) if m["mu02"] > 0 else math.inf


def flagged_one(image: np.ndarray, rng: np.random.Generator) -> bool:
    """A European 1: a flag from the top of the stroke down to the left, on a 1 that does not
    lean forward (`FLAG_MAX_LEAN`)."""
    rows, cols = _ink(image)
    if len(rows) < 10 or forward_lean(image) > FLAG_MAX_LEAN:
        return False
    top, bottom = rows.min(), rows.max()
    x = cols[rows <= top + 1].mean()
    length = (bottom - top) * rng.uniform(0.25, 0.6)
    angle = math.radians(rng.uniform(15, 65))  # below the horizontal, to the left
    _line(image, (x, top + 0.5), (x - length * math.cos(angle), top + 0.5 + length * math.sin(angle)),
          int(rng.integers(2, 4)))  # fmt: skip
    return True


def crossed_seven(image: np.ndarray, rng: np.random.Generator) -> bool:
    """A 7 with a bar across its stem, at about mid-height."""
    rows, cols = _ink(image)
    if len(rows) < 10:
        return False
    top, bottom = rows.min(), rows.max()
    y = round(top + (bottom - top) * rng.uniform(0.45, 0.6))
    at = cols[rows == y]
    if not len(at):
        return False
    x, half = at.mean(), rng.uniform(3, 5.5)
    _line(image, (x - half, y + 0.5), (x + half, y + 0.5), int(rng.integers(2, 4)))
    return True


def hooked_nine(image: np.ndarray, rng: np.random.Generator) -> bool:
    """A 9 whose tail ends in a hook curling to the left (as a g's descender)."""
    rows, cols = _ink(image)
    if len(rows) < 10:
        return False
    top, bottom = rows.min(), rows.max()
    x = cols[rows >= bottom - 1].mean()
    width = cols.max() - cols.min() + 1
    length = max(width, 6) * rng.uniform(0.3, 0.6)
    rise = length * rng.uniform(0.0, 0.6)
    _line(image, (x, bottom + 0.5), (x - length, bottom + 0.5 - rise), int(rng.integers(2, 4)))
    return True


STYLES = {1: flagged_one, 7: crossed_seven, 9: hooked_nine}


def draw_styles(images: np.ndarray, labels: np.ndarray, rng: np.random.Generator,
                reboxed: bool = True) -> np.ndarray:
    """A copy of `images` ((n, h, w) float32) with every digit `STYLES` knows drawn in that
    style, and NaN for the others (and for a digit whose shape the style could not read).
    `reboxed`: each drawn digit boxed and centred again as MNIST's (`as_mnist`).

    Drawn once per training (about 60 microseconds a digit): each batch then takes a share of
    its images from here, so the styles cost an epoch nothing.
    """
    styled = np.full(images.shape, np.nan, np.float32)
    for index in np.flatnonzero(np.isin(labels, list(STYLES))):
        image = np.array(images[index], dtype=np.float32)
        if STYLES[int(labels[index])](image, rng):
            image = np.clip(image, 0.0, 1.0)
            styled[index] = as_mnist(image) if reboxed else image
    return styled


def as_mnist(image: np.ndarray) -> np.ndarray:
    """`image` (28x28, 0..1) normalised again the way MNIST's digits were, and lesson 07's are:
    its ink fitted into a 20x20 box, its centre of mass at the middle. A flag drawn to the left
    of a 1 moves the 1's centre of mass, and a reading of a flagged 1 puts its stem right of the
    middle: the styled digit is put where a reading of it would be."""
    rows, cols = np.nonzero(image > 0.05)
    if not len(rows):
        return image
    crop = image[rows.min(): rows.max() + 1, cols.min(): cols.max() + 1]
    fit = 20 / max(crop.shape)
    size = (max(1, round(crop.shape[1] * fit)), max(1, round(crop.shape[0] * fit)))
    boxed = cv2.resize(crop, size, interpolation=cv2.INTER_AREA if fit < 1 else cv2.INTER_LINEAR)
    frame = np.zeros_like(image)
    top, left = (28 - boxed.shape[0]) // 2, (28 - boxed.shape[1]) // 2
    frame[top: top + boxed.shape[0], left: left + boxed.shape[1]] = boxed
    m = cv2.moments(frame)
    move = np.float32([[1, 0, 14 - m["m10"] / m["m00"]], [0, 1, 14 - m["m01"] / m["m00"]]])
    return np.clip(cv2.warpAffine(frame, move, (28, 28), flags=cv2.INTER_LINEAR), 0.0, 1.0)


STYLE_DRAWS = 1 << 20  # the styles' seed is (seed, STYLE_DRAWS): no epoch's (seed, epoch)


def batches(x, y, settings: Settings, batch_size: int, seed: int, extras: Extras | None = None):
    """A PyDataset of augmented (images, labels) batches: new draws and a new order every epoch.

    Seeded: batch `i` of epoch `e` depends only on (seed, e, i), so runs repeat exactly.
    `extras`: the course's own moves on top of `settings` (see `Extras`).
    """
    import keras

    class AugmentedBatches(keras.utils.PyDataset):
        def __init__(self):
            super().__init__()  # one worker, no processes: tf.data prefetches the batches
            self.epoch = 0
            self.order = self._order()
            self.styled = None
            if extras is not None and extras.styles:  # drawn once, kept as uint8 (x's digits only)
                self.style_of = np.full(len(x), -1)
                wanted = np.flatnonzero(np.isin(np.asarray(y), list(STYLES)))
                self.style_of[wanted] = np.arange(len(wanted))
                images = np.asarray(x[wanted], dtype=np.float32).reshape(len(wanted), *np.shape(x)[1:3])
                styled = draw_styles(images, np.asarray(y)[wanted], np.random.default_rng((seed, STYLE_DRAWS)),
                                     extras.reboxed)  # fmt: skip
                self.drawn = ~np.isnan(styled[:, 0, 0])
                self.styled = np.round(np.nan_to_num(styled) * 255).astype(np.uint8)

        def _order(self):
            return np.random.default_rng((seed, self.epoch)).permutation(len(x))

        def __len__(self):
            return math.ceil(len(x) / batch_size)

        def __getitem__(self, index):
            chosen = np.sort(self.order[index * batch_size : (index + 1) * batch_size])
            rng = np.random.default_rng((seed, self.epoch, index))
            if extras is None:
                return warp(np.asarray(x[chosen], dtype=np.float32), settings, rng), y[chosen]
            styled = None
            if self.styled is not None:
                where = self.style_of[chosen]
                has = where >= 0
                has[has] = self.drawn[where[has]]
                styled = np.full((len(chosen), *self.styled.shape[1:]), np.nan, np.float32)
                styled[has] = self.styled[where[has]] / np.float32(255)
            return warp(np.asarray(x[chosen], dtype=np.float32), settings, rng, extras, styled), y[chosen]

        def on_epoch_end(self):
            self.epoch += 1
            self.order = self._order()

    return AugmentedBatches()
