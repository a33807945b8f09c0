"""Photo-like digit images, made by the course itself.

Lesson 07 reads a learner's own photo of a handwritten digit. To test and measure that
without shipping anyone's photos, this module turns a digit shape into an image that has
the troubles of a real one: a phone photo of paper (tinted paper, uneven lighting, a
shadow, blue or black ink, a thin pen or a thick marker, the digit small and off-centre,
slightly rotated and seen in perspective, blurred, noisy, saved as a JPEG), a drawing
app's transparent PNG, or chalk-like light strokes on a dark board.

Digit shapes come from two places:

- `mnist_mask`: an MNIST digit (we use the *test* set, which the model never trained on)
  redrawn smoothly at a large size, so the benchmark measures handwriting the model has
  not seen under photo conditions it has not seen;
- `drawn_mask`: strokes drawn with OpenCV from a hand-written path per digit (no MNIST
  data at all), used for the example images in `examples/`.

`python -m mnist_course.pictures.photos --examples` regenerates `examples/*.png`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

# --- Digit shapes ---------------------------------------------------------------------------


def mnist_mask(digit28, height: int, weight: float = 0.5) -> np.ndarray:
    """A smooth binary stroke mask (uint8 0/255) of an MNIST digit, about `height` px tall.

    `weight` 0..1 goes from a thin pen to a thick marker. MNIST strokes are brightest along
    their middle, so a high threshold on the smoothly enlarged digit keeps a thin core and a
    low one a broad stroke; the thickest weights are widened further by dilation.
    """
    digit = np.asarray(digit28, dtype=np.float32)
    digit = digit / max(float(digit.max()), 1e-6)
    scale = max(height / 20.0, 1.0)  # MNIST digits are 20 px tall inside their 28 px frame
    size = int(round(28 * scale))
    big = cv2.resize(digit, (size, size), interpolation=cv2.INTER_CUBIC)
    big = cv2.GaussianBlur(big, (0, 0), 0.6 * scale)
    big /= max(float(big.max()), 1e-6)
    threshold = 0.62 - 0.4 * float(np.clip(weight, 0, 1))
    # A high threshold breaks the faint strokes of some MNIST digits into dots, which no
    # pen does: lower it until the digit has as few pieces as a broad stroke would.
    pieces = cv2.connectedComponents((big > 0.22).astype(np.uint8))[0]
    while threshold > 0.22 and cv2.connectedComponents((big > threshold).astype(np.uint8))[0] > pieces:
        threshold -= 0.04
    mask = (big > threshold).astype(np.uint8) * 255
    if weight > 0.8:
        radius = int(round((weight - 0.8) * 0.15 * height))
        if radius > 0:
            mask = cv2.dilate(mask, _disk(radius))
    return _tight(mask)


# Each digit as strokes in a unit box (x right, y down): lists of points, with arcs given as
# ("arc", centre x, centre y, radius x, radius y, start degree, end degree).
_STROKES = {
    0: [[("arc", 0.5, 0.5, 0.33, 0.46, 0, 360)]],
    1: [[(0.58, 0.04), (0.44, 0.97)]],
    2: [[("arc", 0.5, 0.32, 0.3, 0.27, 190, 360), ("arc", 0.5, 0.32, 0.3, 0.27, 0, 40),
         (0.16, 0.95), (0.86, 0.94)]],
    3: [[("arc", 0.48, 0.27, 0.28, 0.23, 200, 440)],
        [("arc", 0.48, 0.72, 0.32, 0.25, 270, 500)]],
    4: [[(0.55, 0.04), (0.14, 0.64), (0.88, 0.64)], [(0.66, 0.32), (0.62, 0.97)]],
    5: [[(0.82, 0.05), (0.32, 0.06), (0.26, 0.45)],
        [("arc", 0.5, 0.67, 0.33, 0.29, 235, 495)]],
    6: [[(0.72, 0.05), (0.45, 0.25), (0.26, 0.5), ("arc", 0.5, 0.72, 0.26, 0.24, 180, 540)]],
    7: [[(0.14, 0.07), (0.86, 0.07), (0.4, 0.97)]],
    8: [[("arc", 0.5, 0.26, 0.24, 0.22, 90, 450)],
        [("arc", 0.5, 0.71, 0.3, 0.26, -90, 270)]],
    9: [[("arc", 0.48, 0.3, 0.28, 0.25, 0, 360)], [(0.76, 0.32), (0.72, 0.62), (0.62, 0.97)]],
}


def drawn_mask(digit: int, height: int, weight: float = 0.5, seed: int = 0) -> np.ndarray:
    """A binary stroke mask (uint8 0/255) of `digit` drawn with OpenCV polylines.

    The strokes are jittered and slanted by `seed`, like one person's handwriting on one
    day; `weight` 0..1 goes from a thin pen (about 3% of the height) to a marker (about 20%).
    """
    rng = np.random.default_rng(seed)
    width = int(round(height * 0.75))
    pad = height // 3
    canvas = np.zeros((height + 2 * pad, width + 2 * pad), np.uint8)
    slant = rng.uniform(-0.12, 0.18)
    thickness = max(1, int(round(height * (0.03 + 0.17 * float(np.clip(weight, 0, 1))))))
    for stroke in _STROKES[int(digit)]:
        points = []
        for part in stroke:
            if part[0] == "arc":
                _, cx, cy, rx, ry, start, end = part
                angles = np.radians(np.linspace(start, end, 48))
                points += [(cx + rx * np.cos(a), cy + ry * np.sin(a)) for a in angles]
            else:
                points.append(part)
        xy = np.array(points, dtype=np.float64)
        # A hand is never exactly on the path, but it wanders smoothly: a slow sine wobble.
        t = np.linspace(0, 1, len(xy))[:, None]
        xy += rng.uniform(0.005, 0.02, 2) * np.sin(2 * np.pi * (rng.uniform(0.5, 1.5, 2) * t
                                                            + rng.uniform(0, 1, 2)))
        xy[:, 0] += slant * (0.5 - xy[:, 1])
        pixels = np.stack([pad + xy[:, 0] * width, pad + xy[:, 1] * height], axis=1)
        cv2.polylines(canvas, [np.round(pixels * 16).astype(np.int32)], False, 255,
                      thickness, cv2.LINE_AA, shift=4)
    return _tight((canvas > 127).astype(np.uint8) * 255)


def _disk(radius: int) -> np.ndarray:
    return cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * radius + 1, 2 * radius + 1))


def _tight(mask: np.ndarray) -> np.ndarray:
    ys, xs = np.nonzero(mask)
    if len(ys) == 0:
        return mask
    return mask[ys.min(): ys.max() + 1, xs.min(): xs.max() + 1]


# --- Photo conditions -----------------------------------------------------------------------


@dataclass
class Conditions:
    """How one picture is taken. `random_conditions` draws a varied, realistic set."""

    canvas: tuple[int, int] = (480, 360)  # height, width in pixels
    digit_fraction: float = 0.6  # digit height / canvas height
    centre: tuple[float, float] = (0.5, 0.5)  # where the digit sits, as fractions (y, x)
    rotation: float = 0.0  # degrees
    perspective: float = 0.0  # how far corners move, as a fraction of the canvas
    paper: tuple[int, int, int] = (235, 235, 230)  # RGB
    ink: tuple[int, int, int] = (25, 25, 30)  # RGB
    ink_strength: float = 1.0  # 1: fully covering ink; lower: pencil, faded ballpoint
    lighting: float = 0.0  # 0: even light; 0.5: one side at half the brightness
    shadow: bool = False  # a soft shadow (a hand or a phone) across part of the page
    texture: float = 0.0  # paper grain, in grey levels
    blur: float = 0.0  # Gaussian sigma in pixels (focus or motion)
    noise: float = 0.0  # sensor noise sigma in grey levels
    jpeg_quality: int | None = None  # None: lossless
    specks: int = 0  # dust and dots of ink on the paper
    table_edge: bool = False  # the paper does not fill the frame: a dark table along one side
    kind: str = "photo"  # "photo", "canvas" (transparent PNG) or "board" (light on dark)
    extras: dict = field(default_factory=dict)


def random_conditions(rng: np.random.Generator) -> Conditions:
    """A random but realistic set of conditions for one picture."""
    kind = rng.choice(["photo", "canvas", "board"], p=[0.8, 0.1, 0.1])
    tall = int(rng.integers(200, 1100))
    canvas = (tall, int(tall * rng.uniform(0.6, 1.4)))
    paper_tints = [(240, 240, 236), (236, 228, 205), (214, 214, 214), (225, 232, 240),
                   (232, 236, 200), (245, 238, 225), (190, 190, 185)]
    inks = [(20, 20, 25), (25, 35, 120), (20, 40, 160), (60, 60, 60), (90, 90, 95),
            (30, 60, 30), (140, 30, 30)]
    paper = np.array(paper_tints[rng.integers(len(paper_tints))], float)
    paper = tuple(int(v) for v in np.clip(paper * rng.uniform(0.7, 1.05), 0, 255))
    ink = inks[rng.integers(len(inks))]
    fraction = float(rng.uniform(0.18, 0.8))
    margin = fraction / 2 + 0.04
    centre = (float(rng.uniform(margin, 1 - margin)) if margin < 0.5 else 0.5,
              float(rng.uniform(0.25, 0.75)))
    return Conditions(
        canvas=canvas,
        digit_fraction=fraction,
        centre=centre,
        rotation=float(rng.normal(0, 6)),
        perspective=float(rng.uniform(0, 0.08)),
        paper=paper,
        ink=ink,
        ink_strength=float(rng.uniform(0.55, 1.0)),
        lighting=float(rng.uniform(0, 0.5)),
        shadow=bool(rng.random() < 0.25),
        texture=float(rng.uniform(0, 6)),
        blur=float(rng.uniform(0, 1.5) * tall / 500),
        noise=float(rng.uniform(0, 8)),
        jpeg_quality=None if kind == "canvas" else int(rng.integers(35, 96)),
        specks=int(rng.integers(0, 6)) if rng.random() < 0.4 else 0,
        table_edge=bool(rng.random() < 0.12) and kind == "photo",
        kind=str(kind),
    )


def photograph(mask: np.ndarray, conditions: Conditions, seed: int = 0) -> np.ndarray:
    """Put a stroke mask on paper under `conditions`; returns an RGB (or RGBA) uint8 image.

    The JPEG round trip, when asked for, is applied here too, so the array is exactly
    what a phone would have saved (write it losslessly, e.g. as PNG, to keep it so).
    """
    rng = np.random.default_rng(seed)
    c = conditions
    height, width = c.canvas
    # 1. The digit, scaled, rotated and placed on the page (a float ink-coverage map).
    digit_h = max(8, int(round(height * c.digit_fraction)))
    # A wide digit on a narrow page is made smaller: the whole digit stays in the picture.
    scale = min(digit_h / mask.shape[0], 0.85 * width / mask.shape[1])
    digit = cv2.resize(mask, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    digit = digit.astype(np.float32) / 255.0
    pad = digit.shape[0]
    digit = cv2.copyMakeBorder(digit, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=0)
    centre = (digit.shape[1] / 2, digit.shape[0] / 2)
    rotation = cv2.getRotationMatrix2D(centre, c.rotation, 1.0)
    # Keep the (rotated) digit inside the frame whatever centre was asked for.
    half = np.array([mask.shape[1], mask.shape[0]]) * scale / 2 * 1.1
    angle = np.radians(abs(c.rotation))
    half = np.array([half[0] * np.cos(angle) + half[1] * np.sin(angle),
                     half[0] * np.sin(angle) + half[1] * np.cos(angle)])
    half += c.perspective * np.array([width, height])
    want = np.array([c.centre[1] * width, c.centre[0] * height])
    low, high = half + 2, np.array([width, height]) - half - 2
    want = np.where(low < high, np.clip(want, low, high), np.array([width, height]) / 2)
    place = want - np.array(centre)
    rotation[:, 2] += place
    coverage = cv2.warpAffine(digit, rotation, (width, height), flags=cv2.INTER_LINEAR)
    if c.perspective > 0:
        corners = np.float32([[0, 0], [width, 0], [width, height], [0, height]])
        moved = corners + rng.uniform(-1, 1, (4, 2)).astype(np.float32) * np.float32(
            [width, height]) * np.float32(c.perspective)
        warp = cv2.getPerspectiveTransform(corners, moved)
        coverage = cv2.warpPerspective(coverage, warp, (width, height), flags=cv2.INTER_LINEAR)
    coverage = np.clip(coverage, 0, 1) * c.ink_strength
    # Dust and stray dots: small, unlike a stroke.
    for _ in range(c.specks):
        y, x = int(rng.integers(0, height)), int(rng.integers(0, width))
        cv2.circle(coverage, (x, y), int(rng.integers(1, 3 + width // 400)),
                   float(rng.uniform(0.3, 0.9)), -1, cv2.LINE_AA)

    if c.kind == "canvas":
        # A drawing app's export: opaque ink strokes, everything else fully transparent.
        alpha = np.clip(coverage / max(c.ink_strength, 1e-6), 0, 1)
        rgba = np.zeros((height, width, 4), np.uint8)
        rgba[..., :3] = c.ink
        rgba[..., 3] = np.round(alpha * 255).astype(np.uint8)
        return rgba

    # 2. Paper and ink colour, mixed by the ink coverage.
    paper = np.empty((height, width, 3), np.float32)
    paper[:] = c.paper
    ink = np.array(c.ink, np.float32)
    if c.kind == "board":  # chalk or a dark-mode app: light strokes on a dark ground
        paper[:] = np.array(c.paper, np.float32) * 0.15
        ink = np.array([235, 235, 225], np.float32)
    if c.texture > 0:
        grain = cv2.GaussianBlur(rng.normal(0, 1, (height, width)).astype(np.float32), (0, 0), 1.5)
        paper += (grain / max(float(grain.std()), 1e-6) * c.texture)[..., None]
    image = paper * (1 - coverage[..., None]) + ink * coverage[..., None]
    ys, xs = np.nonzero(coverage > 0.05)
    # Free paper between the digit and each side (top, left, bottom, right): a person
    # photographing their digit keeps it on the paper, so the table never touches it.
    free = ([ys.min(), xs.min(), height - 1 - ys.max(), width - 1 - xs.max()]
            if len(ys) else [height, width, height, width])
    side = int(np.argmax(free))
    band = int(min(rng.uniform(0.03, 0.12) * (height if side % 2 == 0 else width),
                   free[side] - 0.04 * max(height, width)))
    if c.table_edge and band > 2:
        dark = np.array(rng.uniform(20, 90, 3), np.float32)
        if side == 0:
            image[:band] = dark
        elif side == 1:
            image[:, :band] = dark
        elif side == 2:
            image[height - band:] = dark
        else:
            image[:, width - band:] = dark

    # 3. Light: a gradient across the page and perhaps a soft shadow.
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    angle = rng.uniform(0, 2 * np.pi)
    ramp = (np.cos(angle) * xx / width + np.sin(angle) * yy / height)
    ramp = (ramp - ramp.min()) / max(float(np.ptp(ramp)), 1e-6)
    light = 1.0 - c.lighting * ramp
    if c.shadow:
        cy, cx = rng.uniform(0, height), rng.uniform(0, width)
        radius = rng.uniform(0.3, 0.7) * max(height, width)
        distance = np.sqrt((yy - cy) ** 2 + (xx - cx) ** 2)
        light *= 1.0 - 0.35 * np.clip(1.0 - distance / radius, 0, 1) ** 0.5
    image *= light[..., None]

    # 4. The camera: blur, sensor noise, JPEG.
    if c.blur > 0.1:
        image = cv2.GaussianBlur(image, (0, 0), c.blur)
    if c.noise > 0:
        image += rng.normal(0, c.noise, image.shape).astype(np.float32)
    image = np.clip(image + 0.5, 0, 255).astype(np.uint8)
    if c.jpeg_quality:
        ok, data = cv2.imencode(".jpg", image[..., ::-1], [cv2.IMWRITE_JPEG_QUALITY, c.jpeg_quality])
        image = cv2.imdecode(data, cv2.IMREAD_COLOR)[..., ::-1].copy()
    return image


def encode(image: np.ndarray, suffix: str = ".png", jpeg_quality: int = 90) -> bytes:
    """The bytes of `image` (RGB or RGBA) as a PNG or JPEG file."""
    if image.ndim == 3 and image.shape[2] == 4:
        bgr = cv2.cvtColor(image, cv2.COLOR_RGBA2BGRA)
    else:
        bgr = image[..., ::-1]
    params = [cv2.IMWRITE_JPEG_QUALITY, jpeg_quality] if suffix.lower() in (".jpg", ".jpeg") else []
    ok, data = cv2.imencode(suffix, bgr, params)
    if not ok:  # pragma: no cover - OpenCV encodes every array we make
        raise ValueError(f"could not encode an image as {suffix}")
    return data.tobytes()


def write_mnist_photos(digits, folder, seed: int = 0) -> list:
    """Render each 28x28 digit as a photo file in `folder`; returns the paths in order.

    Photos are saved as JPEGs at their random quality (as a phone would), canvases as
    transparent PNGs, so reading them exercises the same decoders as a learner's files.
    """
    from pathlib import Path

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    paths = []
    for index, digit in enumerate(digits):
        conditions = random_conditions(rng)
        quality, conditions.jpeg_quality = conditions.jpeg_quality, None
        digit_h = int(conditions.canvas[0] * conditions.digit_fraction)
        mask = mnist_mask(digit, max(digit_h, 40), weight=float(rng.uniform(0, 1)))
        image = photograph(mask, conditions, seed=int(rng.integers(2**31)))
        suffix = ".jpg" if quality else ".png"
        path = folder / f"{index:05d}{suffix}"
        path.write_bytes(encode(image, suffix, jpeg_quality=quality or 90))
        paths.append(path)
    return paths


# --- Examples -------------------------------------------------------------------------------

# The example pictures in examples/, each a different trouble a real photo brings.
EXAMPLES = {
    "two-blue-ballpoint.png": (2, 0.2, Conditions(
        canvas=(640, 480), digit_fraction=0.45, centre=(0.45, 0.55), rotation=-4,
        perspective=0.04, paper=(238, 236, 228), ink=(30, 45, 150), lighting=0.35,
        texture=3, blur=1.2, noise=4, jpeg_quality=70)),
    "three-transparent-canvas.png": (3, 0.45, Conditions(
        canvas=(400, 400), digit_fraction=0.7, centre=(0.5, 0.5), ink=(0, 0, 0), kind="canvas")),
    "four-small-off-centre.png": (4, 0.35, Conditions(
        canvas=(900, 700), digit_fraction=0.2, centre=(0.3, 0.7), rotation=3,
        paper=(236, 230, 210), ink=(20, 20, 25), lighting=0.4, shadow=True, texture=4,
        blur=1.0, noise=5, specks=4, jpeg_quality=60)),
    "five-grey-paper-shadow.png": (5, 0.5, Conditions(
        canvas=(600, 500), digit_fraction=0.55, centre=(0.5, 0.48), rotation=6,
        perspective=0.06, paper=(200, 200, 196), ink=(35, 35, 40), lighting=0.5, shadow=True,
        texture=5, blur=1.5, noise=6, jpeg_quality=55)),
    "seven-thick-marker.png": (7, 0.95, Conditions(
        canvas=(500, 500), digit_fraction=0.65, centre=(0.5, 0.5), rotation=-3,
        paper=(242, 242, 238), ink=(15, 15, 15), lighting=0.2, texture=2, blur=0.8,
        noise=3, jpeg_quality=80)),
    "eight-chalk-on-board.png": (8, 0.6, Conditions(
        canvas=(480, 480), digit_fraction=0.6, centre=(0.52, 0.5), rotation=2,
        paper=(60, 90, 70), ink=(230, 230, 225), lighting=0.3, texture=6, blur=1.0, noise=5,
        jpeg_quality=75, kind="board")),
    "nine-pencil-tinted-paper.png": (9, 0.15, Conditions(
        canvas=(560, 420), digit_fraction=0.5, centre=(0.55, 0.45), rotation=5,
        perspective=0.03, paper=(232, 236, 205), ink=(80, 80, 85), ink_strength=0.75,
        lighting=0.3, texture=4, blur=1.0, noise=5, jpeg_quality=65, table_edge=True)),
}


def write_examples(folder) -> list:
    """Draw every example digit, photograph it, and save it as a PNG in `folder`."""
    from pathlib import Path

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for index, (name, (digit, weight, conditions)) in enumerate(sorted(EXAMPLES.items())):
        mask = drawn_mask(digit, 400, weight=weight, seed=index + 1)
        image = photograph(mask, conditions, seed=index + 1)
        path = folder / name
        path.write_bytes(encode(image, ".png"))
        written.append(path)
    return written


def main(argv=None) -> int:
    """`python -m mnist_course.pictures.photos --examples`: regenerate examples/*.png."""
    import argparse

    from mnist_course.course import find_course_root

    parser = argparse.ArgumentParser(prog="python -m mnist_course.pictures.photos", description=main.__doc__)
    parser.add_argument("--examples", action="store_true", help="write examples/*.png")
    args = parser.parse_args(argv)
    if not args.examples:
        parser.print_help()
        return 2
    for path in write_examples(find_course_root() / "examples"):
        print(f"written: {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
