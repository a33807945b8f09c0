"""Checks for lesson 07 · from a picture file to a 28x28 digit the model can read.

Each step of the staircase is checked on its own, on small pictures drawn right here
whose right answer is easy to see: a stroke on paper in sun and shade, two blobs, a 5
with a detached flag, a 0 cropped so tightly it touches the border. Then the composer
`preprocess_digit` is checked on photo-like pictures made by `mnist_course.pictures.photos`
(tinted paper, shadows, a table edge, chalk on a board), and finally a small model must
read 30 such photos.

Each step is also given an input drawn at random for this run (the `drawn` fixture; the
run's seed is in the header): strokes placed, sized and shaded differently every run, so
only a function that does the work can pass.

When a check about a picture fails, it saves the input, what was expected and what your
function returned, side by side, under .course/failures/lesson_07/ and prints the path.
"""

import hashlib
from pathlib import Path

import cv2
import keras
import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.figure import Figure
from PIL import Image

from mnist_course.pictures import digit_tools
from mnist_course.check_support.toolkit import (
    CheckFailure, call, describe, error_words, expect, expect_raises, learner_lines, record_steps, type_name,
    library_words,
    rounded,
)
from mnist_course.check_support.failure_pictures import failure_picture_path, save_failure_picture
from mnist_course.pictures.image_files import open_picture
from mnist_course.pictures.photos import Conditions, drawn_mask, mnist_mask, photograph, random_conditions
from mnist_course.check_support.pytest_plugin import UNREADABLE_CACHE, save_npz_atomically


@pytest.fixture(scope="module")
def lesson(learner):
    return learner("07")


@pytest.fixture
def picture(request, course):
    """picture((label, {title: image, ...}), ...) -> a callable that saves the failure picture.

    Passed to `expect(..., picture=...)`: it runs only when the check fails, and returns
    the PNG's path (relative to the course folder) for the message.
    """
    root = course.root

    def make(*rows, title=""):
        def save():
            try:
                path = save_failure_picture(failure_picture_path(root, "07", request.node.name), list(rows), title)
            except Exception:  # noqa: BLE001 - a picture that cannot be drawn must not hide the message
                return None
            return path.relative_to(root) if path.is_relative_to(root) else path

        return save

    return make


# --- small pictures, drawn on the spot -------------------------------------------------------


def stroke(shape, points, width=7, closed=False):
    """A bool mask with a polyline through `points` (x, y) drawn `width` pixels thick."""
    mask = np.zeros(shape, np.uint8)
    cv2.polylines(mask, [np.array(points, np.int32)], closed, 1, width)
    return mask > 0


def ring(shape, centre, axes, width=7):
    mask = np.zeros(shape, np.uint8)
    cv2.ellipse(mask, centre, axes, 0, 0, 360, 1, width)
    return mask > 0


def on_paper(mask, paper=235.0, ink=30.0):
    """Dark ink on light paper (float32 grey levels), like a working copy of a photo."""
    return np.where(mask, ink, paper).astype(np.float32)


def sun_and_shade(width=240, height=120):
    """A stroke across a page whose right half is in shade (half the light).

    Light multiplies: in the shade both the paper (240 -> 120) and the ink (72 -> 36)
    are darker. Returns (the picture, the stroke's mask, the page's shaded part).
    """
    light = np.ones((height, width), np.float32)
    light[:, width // 2:] = 0.5
    mask = stroke((height, width), [(20, 60), (width - 20, 60)])
    reflect = np.where(mask, 0.3, 1.0)
    return (240.0 * reflect * light).astype(np.float32), mask, light < 1


def grey_of(rgb):
    """What a correct read_image gives for an RGB array (the checks of preprocess_digit
    must not depend on the learner's read_image)."""
    return cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)


def paper_photo(mask, **changes):
    """A plain, well-lit photo of a dark digit on white paper, with `changes` applied."""
    conditions = Conditions(canvas=(300, 240), digit_fraction=0.55, paper=(236, 234, 228),
                            ink=(30, 30, 35), texture=2, blur=0.8, noise=2)
    for name, value in changes.items():
        setattr(conditions, name, value)
    return grey_of(photograph(mask, conditions, seed=1))


def centre_of_mass(image):
    moments = cv2.moments(np.asarray(image, dtype=np.float32))
    if moments["m00"] == 0:
        return float("nan"), float("nan")
    return moments["m10"] / moments["m00"], moments["m01"] / moments["m00"]


def ink_box(image, level=0.2):
    rows = np.flatnonzero((np.asarray(image) > level).any(axis=1))
    cols = np.flatnonzero((np.asarray(image) > level).any(axis=0))
    if len(rows) == 0:
        return 0, 0
    return rows[-1] - rows[0] + 1, cols[-1] - cols[0] + 1


def similarity(a, b):
    a, b = np.ravel(np.asarray(a, np.float64)), np.ravel(np.asarray(b, np.float64))
    if a.shape != b.shape or a.std() == 0 or b.std() == 0:
        return 0.0
    return float(np.corrcoef(a, b)[0, 1])


def call_step(lesson, function, *args, opencv_hint, picture=None):
    """Call a step; an OpenCV error becomes a teaching message with the learner's line."""
    try:
        return call(function, getattr(lesson, function), *args)
    except cv2.error as error:
        said = " ".join(line.strip("> ").strip() for line in str(error).splitlines()[1:] if line.strip())
        said = library_words(error) or said or str(error).splitlines()[0]
        lines = learner_lines(error, lesson)
        where = f" at line {lines[-1][0]}: {lines[-1][1]}" if lines else ""
        raise CheckFailure(function, "no OpenCV error", f"cv2.error{where} ({said[:160]})", opencv_hint,
                           str(picture()) if picture else None) from None


def as_array(function, result, shape=None):
    """The learner's result as an array, with one message if it is not an array at all."""
    array = np.asarray(result)
    expect(
        array.dtype != object and array.ndim == 2,
        function,
        "a 2-D numpy array" + (f" of shape {shape}" if shape else ""),
        f"{type_name(result)}" + (f" of shape {array.shape}" if array.dtype != object else ""),
        "return an array (np.asarray(...)), one value per pixel",
    )
    return array


# --- read_image -----------------------------------------------------------------------------


def canvas_file(tmp_path, name, ink):
    """A drawing app's export: strokes of colour `ink` on a fully transparent canvas.

    Under the transparent pixels the file stores black, as most apps do.
    """
    mask = drawn_mask(3, 120, seed=4)
    canvas = photograph(mask, Conditions(canvas=(180, 150), ink=ink, kind="canvas"))
    canvas[canvas[..., 3] == 0, :3] = 0
    path = tmp_path / name
    Image.fromarray(canvas, "RGBA").save(path)
    return path, canvas


def test_read_image_puts_dark_strokes_on_white(lesson, tmp_path, picture):
    path, canvas = canvas_file(tmp_path, "dark-strokes.png", ink=(0, 0, 0))
    grey = as_array("read_image", call("read_image", lesson.read_image, path), (180, 150))
    stroke_pixels, background = canvas[..., 3] > 200, canvas[..., 3] == 0
    expected = np.where(canvas[..., 3] > 0, 255 - canvas[..., 3], 255).astype(np.uint8)
    show = picture(("dark strokes on a transparent canvas", {
        "the file's alpha (white = opaque)": canvas[..., 3], "expected": expected, "yours": grey}))
    expect(
        grey.shape == (180, 150) and grey.dtype == np.uint8,
        "read_image",
        "a 2-D uint8 array of shape (180, 150) (height, width) for a 150x180 canvas",
        describe(grey),
        "np.round(...).astype(np.uint8) at the end",
        show,
    )
    expect(
        grey[background].mean() > 200 and grey[stroke_pixels].mean() < 60,
        "read_image",
        "black strokes on a white backdrop (backdrop > 200, strokes < 60)",
        f"backdrop {grey[background].mean():.0f}, strokes {grey[stroke_pixels].mean():.0f}",
        "the transparent pixels store black: blend with the alpha, "
        "grey * alpha + backdrop * (1 - alpha), with backdrop 255 when the strokes are dark",
        show,
    )


def test_read_image_puts_light_strokes_on_black(lesson, tmp_path, picture):
    path, canvas = canvas_file(tmp_path, "light-strokes.png", ink=(250, 250, 245))
    grey = as_array("read_image", call("read_image", lesson.read_image, path), (180, 150))
    stroke_pixels, background = canvas[..., 3] > 200, canvas[..., 3] == 0
    expected = np.round(canvas[..., 3] / 255.0 * 249).astype(np.uint8)
    show = picture(("light strokes on a transparent canvas (a dark-mode app)", {
        "the file's alpha (white = opaque)": canvas[..., 3], "expected": expected, "yours": grey}))
    expect(
        grey.shape == (180, 150) and grey[background].mean() < 60 and grey[stroke_pixels].mean() > 200,
        "read_image",
        "light strokes on a black backdrop (backdrop < 60, strokes > 200): on white they "
        "would vanish",
        f"backdrop {grey[background].mean():.0f}, strokes {grey[stroke_pixels].mean():.0f}"
        if grey.shape == (180, 150) else describe(grey),
        "choose the backdrop from the strokes' own lightness: their average grey weighted "
        "by alpha, (grey * alpha).sum() / alpha.sum(); 128 or more means light strokes, "
        "so put them on black (backdrop 0)",
        show,
    )


def test_read_image_keeps_an_opaque_picture_as_it_is(lesson, tmp_path, picture):
    ramp = np.tile(np.linspace(90, 250, 150), (180, 1))
    grey_in = np.where(stroke((180, 150), [(30, 40), (120, 140)]), 20, ramp).round().astype(np.uint8)
    path = tmp_path / "opaque.png"
    Image.fromarray(grey_in).save(path)
    grey = as_array("read_image", call("read_image", lesson.read_image, path), (180, 150))
    show = picture(("an opaque greyscale PNG: a stroke on a light gradient", {
        "the file": grey_in, "expected (the same)": grey_in, "yours": grey}))
    expect(
        grey.shape == (180, 150) and grey.dtype == np.uint8
        and np.abs(grey.astype(int) - grey_in).max() <= 1,
        "read_image",
        "the same grey levels as the file (uint8, shape (180, 150)): a picture without "
        "transparency has alpha 1 everywhere, so blending changes nothing",
        describe(grey) + (f", off by up to {np.abs(grey.astype(int) - grey_in).max()} grey levels"
                          if grey.shape == (180, 150) else ""),
        "grey * alpha + backdrop * (1 - alpha) with alpha = 1 gives grey back; do not "
        "invert or rescale here (that is a later step)",
        show,
    )


def soft_canvas_file(path, shape, points, ink, blur):
    """A stroke of grey `ink` whose edge fades out over `blur` pixels on a transparent canvas.

    Its soft edge holds every opacity from 0 to 255, so the blend has every fraction.
    """
    sharp = stroke(shape, points, width=5).astype(np.float32)
    soft = cv2.GaussianBlur(sharp, (0, 0), blur)
    alpha = np.round(255 * soft / soft.max()).astype(np.uint8)
    grey = np.where(alpha > 0, ink, 0).astype(np.uint8)  # black under the transparent pixels
    Image.fromarray(np.dstack([grey, alpha]), "LA").save(path)
    return alpha


def blended(path):
    """The exact blend of the file (float64) and the uint8 image a correct read_image gives."""
    grey, alpha = (np.asarray(a, np.float64) for a in open_picture(path))
    strokes = (grey * alpha).sum() / alpha.sum()
    exact = grey * alpha + (255.0 if strokes < 128 else 0.0) * (1 - alpha)
    return exact, np.round(exact).astype(np.uint8)


def test_read_image_rounds_the_blend(lesson, tmp_path, picture, drawn):
    height, width = (int(side) for side in drawn.integers(40, 120, size=2))
    ink = int(drawn.choice([drawn.integers(0, 90), drawn.integers(170, 256)]))  # dark or light strokes
    points = [(int(drawn.integers(5, width - 5)), int(drawn.integers(5, height - 5))) for _ in range(3)]
    cases = [("a soft grey stroke on a transparent canvas", (60, 90), [(15, 15), (45, 40), (75, 20)], 40, 4.0),
             (f"a soft stroke of grey {ink} drawn for this run", (height, width), points, ink,
              float(drawn.uniform(2, 6)))]
    for index, (what, shape, where, level, blur) in enumerate(cases):
        path = tmp_path / f"soft-{index}.png"
        alpha = soft_canvas_file(path, shape, where, level, blur)
        exact, expected = blended(path)
        grey = as_array("read_image", call("read_image", lesson.read_image, path), shape)
        show = picture((what, {"the file's alpha (white = opaque)": alpha, "expected": expected, "yours": grey}))
        expect(
            grey.shape == shape and grey.dtype == np.uint8,
            "read_image",
            f"a 2-D uint8 array of shape {shape}",
            describe(grey),
            "np.round(...).astype(np.uint8) at the end",
            show,
        )
        clear = np.abs(exact % 1 - 0.5) > 0.02  # pixels whose nearest whole grey level is clear
        off = grey.astype(int) - expected
        example = np.flatnonzero(clear & (exact % 1 > 0.6))
        expect(
            not off[clear].any() and np.abs(off).max() <= 1,
            "read_image",
            f"each pixel rounded to the nearest grey level, for {what}"
            + (f" (e.g. {exact.flat[example[0]]:.2f} -> {expected.flat[example[0]]})" if len(example) else ""),
            f"{np.count_nonzero(off[clear])} pixels off, e.g. {exact[clear][off[clear] != 0][0]:.2f} -> "
            f"{grey[clear][off[clear] != 0][0]}" if off[clear].any() else f"off by up to {np.abs(off).max()}",
            "astype(np.uint8) cuts the fraction off (127.9 becomes 127): round first, "
            "np.round(grey * alpha + backdrop * (1 - alpha)).astype(np.uint8)"
            if (off[clear] <= 0).all() else
            "grey * alpha + backdrop * (1 - alpha), rounded: np.round(...).astype(np.uint8)",
            show,
        )


def test_read_image_passes_file_errors_on(lesson, tmp_path):
    missing = tmp_path / "no-such-picture.png"
    error = expect_raises(
        FileNotFoundError,
        "read_image",
        "a file that does not exist",
        "let open_picture's errors through: do not catch them (a learner must see which file)",
        lambda: lesson.read_image(missing),
    )
    expect(
        "no-such-picture" in str(error),
        "read_image",
        "a message that names the missing file",
        f"FileNotFoundError: {error}",
        "let open_picture's error through unchanged",
    )
    text = tmp_path / "notes.png"
    text.write_bytes(b"this is not a picture\n")
    expect_raises(
        ValueError,
        "read_image",
        "a text file named .png",
        "let open_picture's ValueError through: it names the file and says why",
        lambda: lesson.read_image(text),
    )


# --- white_on_black -------------------------------------------------------------------------


def drawn_page(drawn, dark):
    """Ink on paper drawn for this run: its size, strokes and grey levels; dark or light ink."""
    height, width = (int(side) for side in drawn.integers(40, 120, size=2))
    points = [(int(drawn.integers(0, width)), int(drawn.integers(0, height))) for _ in range(4)]
    mask = stroke((height, width), points, width=int(drawn.integers(3, 9)))
    paper, ink = (float(drawn.uniform(170, 250)), float(drawn.uniform(5, 90)))
    if not dark:
        paper, ink = float(drawn.uniform(10, 80)), float(drawn.uniform(170, 250))
    return np.where(mask, ink, paper).astype(np.float32 if drawn.random() < 0.5 else np.uint8)


def test_white_on_black_turns_dark_ink_white(lesson, picture, drawn):
    mask = stroke((60, 80), [(15, 10), (40, 50), (65, 10)])
    page = on_paper(mask).astype(np.uint8)
    ink = as_array("white_on_black", call("white_on_black", lesson.white_on_black, page), (60, 80))
    expected = 255.0 - page
    show = picture(("dark ink on light paper (uint8)", {"input": page, "expected": expected, "yours": ink}))
    expect(
        ink.dtype == np.float32,
        "white_on_black",
        "a float32 array",
        describe(ink),
        "np.asarray(picture, dtype=np.float32) first: then 255 - picture cannot wrap around",
        show,
    )
    expect(
        ink.shape == page.shape and np.allclose(ink, expected, atol=0.5),
        "white_on_black",
        "255 - picture: the ink 225, the paper 20",
        describe(ink),
        "stay in grey levels 0..255: 255 - picture, not 1 - picture / 255"
        if ink.shape == page.shape and ink.max() <= 1.0
        else "ink_is_dark(picture) is True here (dark ink on light paper): return 255 - picture",
        show,
    )
    expect_drawn_page_turned(lesson, drawn_page(drawn, dark=True), picture)


def expect_drawn_page_turned(lesson, page, picture):
    """white_on_black on a page drawn for this run: 255 - page when ink_is_dark says so, else the page."""
    ink = as_array("white_on_black", call("white_on_black", lesson.white_on_black, page), page.shape)
    dark = digit_tools.ink_is_dark(page)
    expected = 255.0 - page.astype(np.float32) if dark else page.astype(np.float32)
    expect(
        ink.shape == page.shape and ink.dtype == np.float32 and np.allclose(ink, expected, atol=0.5),
        "white_on_black",
        f"{'255 - picture' if dark else 'the picture unchanged'} for a {page.dtype} page drawn for this "
        f"run ({'dark ink on light paper' if dark else 'light ink on a dark ground'}), float32",
        describe(ink),
        "turn the picture you are given over when ink_is_dark(picture) is True, else keep it; "
        "np.asarray(picture, dtype=np.float32) first",
        picture(("a page drawn for this run", {"input": page, "expected": expected, "yours": ink})),
    )


def test_white_on_black_keeps_light_ink(lesson, picture, drawn):

    mask = ring((60, 80), (40, 30), (18, 22))
    board = np.where(mask, 230.0, 40.0).astype(np.float32)
    ink = as_array("white_on_black", call("white_on_black", lesson.white_on_black, board), (60, 80))
    show = picture(("light chalk on a dark board", {"input": board, "expected (unchanged)": board, "yours": ink}))
    expect(
        ink.shape == board.shape and np.allclose(ink, board, atol=0.5),
        "white_on_black",
        "the picture unchanged: light ink on a dark board is already white on black",
        describe(ink),
        "only turn the picture over when ink_is_dark(picture) is True; MNIST's ink is white, "
        "and so is chalk",
        show,
    )
    expect_drawn_page_turned(lesson, drawn_page(drawn, dark=False), picture)


# --- even_out_lighting ----------------------------------------------------------------------


def test_even_out_lighting_treats_sun_and_shade_alike(lesson, picture):
    page, mask, shade = sun_and_shade()
    ink = 255.0 - page  # what white_on_black gives for dark ink
    signal = as_array("even_out_lighting", call("even_out_lighting", lesson.even_out_lighting, ink), page.shape)
    paper_level = digit_tools.paper_level(ink)
    room = np.maximum(255 - paper_level, 16)
    expected = np.clip((ink - paper_level) / room * 255, 0, None)
    # `ink - paper / room * 255`: Python divides before it subtracts, so only the paper is divided
    only_paper_divided = signal.shape == page.shape and np.allclose(signal, np.clip(ink - paper_level / room * 255, 0, None), atol=1)
    show = picture(("a stroke across sun (left) and shade (right)", {
        "the page": page, "input: ink (white on black)": ink, "expected": expected, "yours": signal}))
    core = stroke(page.shape, [(20, 60), (220, 60)], width=3)
    away = np.abs(np.arange(page.shape[1]) - page.shape[1] // 2) > 40  # far from the shadow's edge
    paper = ~stroke(page.shape, [(20, 60), (220, 60)], width=15) & away
    sun, dark = signal[core & ~shade & away].mean(), signal[core & shade & away].mean()
    expect(
        signal.shape == page.shape and signal.min() >= 0 and np.percentile(signal[paper], 99) < 15,
        "even_out_lighting",
        "the paper near 0 in sun and in shade (99% of paper pixels below 15), nothing negative",
        f"paper up to {np.percentile(signal[paper], 99):.0f} (99th percentile), minimum "
        f"{signal.min():.0f}" if signal.shape == page.shape else describe(signal),
        "subtract paper_level(ink), the paper's level at every pixel, then clip below 0 "
        "(np.clip(..., 0, None))" if signal.min() >= 0 or signal.shape != page.shape
        else "clip what falls below 0: np.clip(signal, 0, None)",
        show,
    )
    expect(
        0.8 < dark / max(sun, 1e-6) < 1.25 and sun > 100,
        "even_out_lighting",
        "the stroke as strong in the shade as in the sun (it is the same ink), over 100",
        f"stroke {sun:.0f} in the sun, {dark:.0f} in the shade",
        "sun and shade are even, but on a 0..1 scale: after dividing by the room the ink had, "
        "multiply by 255 to stay in grey levels (the next step's MIN_CONTRAST is 20 grey levels)"
        if 0.8 < dark / max(sun, 1e-6) < 1.25 and sun <= 1.5
        else "brackets: (ink - paper) / room * 255. Python divides before it subtracts, so "
        "`ink - paper / room * 255` divides only the paper" if only_paper_divided
        else "light multiplies: in the shade the ink stands out half as much. Divide by the room "
        "the ink had, np.maximum(255 - paper, 16), then multiply by 255",
        show,
    )
    expect(
        signal.dtype == np.float32,
        "even_out_lighting",
        "a float32 array",
        describe(signal),
        ".astype(np.float32) at the end (uint8 would cut the ink's values to whole grey levels and wrap)",
    )


def bright_band(shape, far, fraction, background, points, ink=210.0):
    """White-on-black ink with a band of pure 255 along the picture's longer side.

    A dark table beside the page, or a black margin, turns white once the picture is turned
    over: there the paper's level is 255 and the ink had no room at all to stand out.
    """
    height, width = shape
    page = np.full(shape, background, np.float32)
    page[stroke(shape, points)] = ink
    if width >= height:
        cut = int(width * fraction)
        if far:
            page[:, width - cut:] = 255.0
        else:
            page[:, :cut] = 255.0
    else:
        cut = int(height * fraction)
        if far:
            page[height - cut:] = 255.0
        else:
            page[:cut] = 255.0
    return page


def test_even_out_lighting_copes_with_paper_at_255(lesson, picture, drawn):
    height, width = int(drawn.integers(80, 200)), int(drawn.integers(80, 260))
    points = [(int(drawn.integers(0, width)), int(drawn.integers(0, height))) for _ in range(2)]
    cases = [("a page beside a black table (white once turned over)",
              bright_band((120, 240), True, 0.45, 20.0, [(20, 60), (110, 60)])),
             (f"a {width}x{height} page drawn for this run, a band of 255 along one side",
              bright_band((height, width), bool(drawn.integers(0, 2)), float(drawn.uniform(0.4, 0.6)),
                          float(drawn.uniform(5, 40)), points))]
    for what, ink in cases:
        paper = digit_tools.paper_level(ink)
        expected = np.clip((ink - paper) / np.maximum(255 - paper, 16) * 255, 0, None)
        with np.errstate(all="ignore"):
            signal = as_array("even_out_lighting", call("even_out_lighting", lesson.even_out_lighting, ink),
                              ink.shape)
        show = picture((what, {"input: ink (white on black)": ink, "expected": expected, "yours": signal}))
        finite = np.isfinite(signal) if signal.shape == ink.shape else np.zeros(ink.shape, bool)
        wrong = finite & (np.abs(np.where(finite, signal, 0) - expected) > 2)
        expect(
            signal.shape == ink.shape and finite.all() and not wrong.any(),
            "even_out_lighting",
            f"for {what}: the band stays near 0 like the rest of the paper, every value a number",
            lambda: describe(signal) if signal.shape != ink.shape else
            f"NaN on {np.count_nonzero(~finite)} pixels, where the paper's level is 255" if not finite.all() else
            f"up to {signal[wrong].max():.0f} where {expected[wrong].max():.0f} was expected, "
            f"where the paper is {paper[wrong].min():.1f}..{paper[wrong].max():.1f}",
            "where the paper is at 255 there is no room left: 255 - paper is 0 and dividing by it "
            "gives NaN (or a huge number when it is nearly 0). Divide by at least 16: "
            "np.maximum(255 - paper, 16)"
            if not finite.all() or (wrong.any() and paper[wrong].min() > 239)
            else "(ink - paper_level(ink)) / np.maximum(255 - paper, 16) * 255, then clip below 0",
            show,
        )


# --- separate_ink ---------------------------------------------------------------------------


def faint_ring(level=60.0, noise=3.0, seed=0):
    mask = ring((100, 140), (70, 50), (30, 30), width=6)
    rng = np.random.default_rng(seed)
    signal = np.abs(rng.normal(0, noise, mask.shape)).astype(np.float32)
    return np.where(mask, signal + level, signal).astype(np.float32), mask


def test_separate_ink_finds_a_faint_stroke(lesson, picture, drawn):
    signal, ring_mask = faint_ring(level=60.0)
    result = call_step(lesson, "separate_ink", signal, opencv_hint=(
        "Otsu's method works on uint8 pictures only: scale first, "
        "np.clip(signal / contrast * 255.0, 0, 255).astype(np.uint8), then cv2.threshold that"))
    mask = as_array("separate_ink", result, signal.shape)
    show = picture(("a faint ring (60 grey levels) on grainy paper", {
        "input: signal": signal, "expected: mask": ring_mask, "yours": mask}))
    expect(
        mask.dtype == bool and mask.shape == signal.shape,
        "separate_ink",
        "a bool array (True on ink) of the signal's shape",
        describe(mask),
        "a comparison gives True/False: return scaled > level",
        show,
    )
    found, false = mask[ring_mask].mean(), mask[~ring_mask].mean()
    expect(
        found > 0.95 and false < 0.01,
        "separate_ink",
        "the whole ring found (> 95% of its pixels) and the paper left out (< 1%)",
        f"{found:.0%} of the ring found, {false:.1%} of the paper marked as ink",
        "a fixed level such as 128 misses faint ink: scale the signal so its 99.99th percentile "
        "becomes 255, then let Otsu choose the level (cv2.threshold with cv2.THRESH_OTSU)"
        if found <= 0.95 else
        "Otsu's level on the scaled uint8 signal, but never below 0.3 * 255",
        show,
    )
    level = float(drawn.uniform(35, 120))  # a ring of its own for this run: level, grain, place
    signal, ring_mask = faint_ring(level=level, noise=float(drawn.uniform(1, 4)), seed=int(drawn.integers(1 << 30)))
    shift = (int(drawn.integers(-15, 16)), int(drawn.integers(-30, 31)))
    signal, ring_mask = np.roll(signal, shift, axis=(0, 1)), np.roll(ring_mask, shift, axis=(0, 1))
    mask = as_array("separate_ink", call("separate_ink", lesson.separate_ink, signal), signal.shape)
    found, false = mask[ring_mask].mean(), mask[~ring_mask].mean()
    expect(
        found > 0.95 and false < 0.01,
        "separate_ink",
        f"the whole ring found and the paper left out, for a ring of {level:.0f} grey levels drawn for this run",
        f"{found:.0%} of the ring found, {false:.1%} of the paper marked as ink",
        "work the level out from the signal you are given: scale so its 99.99th percentile becomes "
        "255, then Otsu (never below 0.3 * 255)",
        picture(("a faint ring drawn for this run", {"input: signal": signal, "expected: mask": ring_mask,
                                                      "yours": mask})),
    )


def small_digit_on_a_page(top_left, level, seed):
    """A 7 a twentieth of a 300x400 page tall (a whole page photographed) on grainy paper: its
    ink covers under 0.1% of the picture, so the 99.9th percentile falls on its halo or paper."""
    rng = np.random.default_rng(seed)
    y, x = top_left
    stroke = np.zeros((300, 400), np.uint8)
    cv2.polylines(stroke, [np.array([(x, y), (x + 10, y), (x + 4, y + 15)], np.int32)], False, 1, 2)
    soft = cv2.GaussianBlur(stroke.astype(np.float32), (0, 0), 0.7)
    signal = level * soft / soft.max() + np.abs(rng.normal(0, 3, stroke.shape))
    return signal.astype(np.float32), stroke.astype(bool)


def test_separate_ink_finds_a_small_digit_on_a_whole_page(lesson, picture, drawn):
    cases = [("a small 7 in the middle of a whole page", small_digit_on_a_page((140, 195), 150.0, 0)),
             ("a small 7 drawn for this run, somewhere on the page",
              small_digit_on_a_page((int(drawn.integers(20, 260)), int(drawn.integers(20, 370))),
                                    float(drawn.uniform(60, 200)), int(drawn.integers(1 << 30))))]
    for what, (signal, stroke) in cases:
        share = f"{100 * stroke.mean():.2f}%"
        show = picture((what, {"input: signal": signal, "expected: mask": stroke}))
        try:
            result = call_step(lesson, "separate_ink", signal, opencv_hint=(
                "Otsu's method works on uint8 pictures only: scale first, then cv2.threshold that"))
        except ValueError as error:
            raise CheckFailure(
                "separate_ink",
                f"for {what} (its ink covers {share} of the picture): the digit found",
                f"ValueError: {error}",
                f"the 99.9th percentile here is {np.percentile(signal, 99.9):.0f}, the paper's grain: "
                "the brightest 0.1% of a whole page is more than a small digit's ink. Take the "
                "contrast from the brightest 0.01%: np.percentile(signal, 99.99)",
                str(show()),
            ) from None
        mask = as_array("separate_ink", result, signal.shape)
        near = cv2.dilate(stroke.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
        found = float(mask[stroke].mean()) if mask.shape == signal.shape else 0.0
        false = int(np.count_nonzero(mask & ~near)) if mask.shape == signal.shape else -1
        expect(
            found > 0.9 and false == 0,
            "separate_ink",
            f"for {what} (its ink covers {share} of the picture): the 7 found (> 90% of its "
            "pixels), no paper marked as ink",
            f"{found:.0%} of the 7 found, {false} paper pixels marked as ink",
            "scale by the brightest 0.01%, np.percentile(signal, 99.99): the 99.9th percentile of a "
            "whole page is paper, and the grain scaled up to 255 passes as ink",
            picture((what, {"input: signal": signal, "expected: mask": stroke, "yours": mask})),
        )


def blotted_stroke(shape, points, peak, blur, seed):
    """A blurred stroke of `peak` grey levels with a blot of 255 where the pen rested.

    The blot sets the ink's contrast, so the stroke is scaled to about 40% of it, and Otsu's
    level falls to about 45: the stroke's soft halo would count as ink without the floor.
    """
    sharp = np.zeros(shape, np.float32)
    cv2.polylines(sharp, [np.array(points, np.int32)], False, 1.0, 5)
    soft = cv2.GaussianBlur(sharp, (0, 0), blur)
    signal = peak * soft / soft.max() + np.abs(np.random.default_rng(seed).normal(0, 2, shape))
    cv2.circle(signal, points[0], 4, 255.0, -1)
    return signal.astype(np.float32)


def otsu_of(signal):
    """What separate_ink's steps see: the scaled signal (float) and Otsu's level on its uint8 copy."""
    contrast = np.percentile(signal, digit_tools.BRIGHTEST_INK)
    scaled = signal / contrast * 255.0
    otsu, _ = cv2.threshold(np.clip(scaled, 0, 255).astype(np.uint8), 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    return scaled, otsu


def test_separate_ink_leaves_out_a_blurred_halo(lesson, picture, drawn):
    for _ in range(50):  # a stroke drawn for this run whose halo Otsu alone would take as ink
        height, width = int(drawn.integers(80, 140)), int(drawn.integers(100, 180))
        points = [(int(drawn.integers(15, width - 15)), int(drawn.integers(15, height - 15))) for _ in range(3)]
        signal = blotted_stroke((height, width), points, float(drawn.uniform(90, 130)),
                                float(drawn.uniform(1.5, 3.0)), int(drawn.integers(1 << 30)))
        scaled, otsu = otsu_of(signal)
        if otsu < 70 and np.count_nonzero((scaled > otsu + 1) & (scaled < 75)) >= 50:
            break
    cases = [("a blurred stroke with a blot where the pen rested",
              blotted_stroke((100, 140), [(28, 30), (70, 75), (112, 30)], 100.0, 2.5, 0)),
             ("a blurred, blotted stroke drawn for this run", signal)]
    for what, signal in cases:
        scaled, otsu = otsu_of(signal)
        result = call_step(lesson, "separate_ink", signal, opencv_hint=(
            "Otsu's method works on uint8 pictures only: scale first, then cv2.threshold that"))
        mask = as_array("separate_ink", result, signal.shape)
        expected = scaled > max(otsu, 0.3 * 255)
        halo, core = (scaled < 75) & mask, (scaled > 78) & ~mask
        expect(
            mask.shape == signal.shape and not halo.any() and not core.any(),
            "separate_ink",
            f"for {what}: ink where the scaled signal is above 30% of 255 (Otsu alone picks "
            f"{otsu:.0f} here), the halo under it left out",
            f"{np.count_nonzero(halo)} halo pixels (under 30% of the contrast) marked as ink, "
            f"{np.count_nonzero(core)} stroke pixels left out",
            "Otsu's level can fall low when a blot sets the contrast; never go below 30% of 255: "
            "scaled > max(otsu, INK_FLOOR * 255)"
            if halo.any() else
            "ink is scaled > max(otsu, INK_FLOOR * 255), with otsu from cv2.threshold(scaled, 0, 255, "
            "cv2.THRESH_BINARY + cv2.THRESH_OTSU)",
            picture((what, {"input: signal": signal, "expected": expected, "yours": mask})),
        )
    # A blot brightest at its heart: the pixels above the contrast level scale past 255.
    signal = blotted_stroke((100, 140), [(28, 30), (70, 75), (112, 30)], 100.0, 2.5, 0)
    across, down = np.meshgrid(np.arange(140), np.arange(100))
    signal += np.clip(200 * (1 - np.hypot(across - 28, down - 30) / 6), 0, None).astype(np.float32)
    mask = as_array("separate_ink", call_step(lesson, "separate_ink", signal, opencv_hint=(
        "Otsu's method works on uint8 pictures only: scale first, then cv2.threshold that")), signal.shape)
    brightest = signal > np.percentile(signal, digit_tools.BRIGHTEST_INK)
    scaled, otsu = otsu_of(signal)
    expected = np.clip(scaled, 0, 255) > max(otsu, 0.3 * 255)
    expect(
        mask[brightest].all(),
        "separate_ink",
        "for a stroke with a blot brightest at its heart: the brightest ink, above the contrast "
        "level, marked as ink",
        f"{np.count_nonzero(~mask[brightest])} of its {np.count_nonzero(brightest)} brightest pixels "
        "marked as paper",
        "clip before making it uint8: np.clip(signal / contrast * 255, 0, 255).astype(np.uint8); "
        "unclipped, 300 wraps round to 44 and the brightest ink turns to paper",
        picture(("a blot brightest at its heart", {"input: signal": signal, "expected": expected,
                                                   "yours": mask})),
    )


@pytest.mark.parametrize(
    "case", ["an empty page", "grainy paper without ink", "one faint speck", "coarse-grained paper without ink"]
)
def test_separate_ink_says_when_there_is_no_ink(lesson, case, picture):
    rng = np.random.default_rng(3)
    if case == "an empty page":
        signal = np.zeros((80, 100), np.float32)
    elif case == "coarse-grained paper without ink":
        # Grain strong enough to pass MIN_CONTRAST (its brightest 0.01% is about 46 grey
        # levels): only the test against 6 times the grain tells it from ink.
        signal = np.clip(rng.normal(15, 8, (80, 100)), 0, None).astype(np.float32)
    else:
        signal = np.abs(rng.normal(0, 4, (80, 100))).astype(np.float32)
        if case == "one faint speck":
            signal[40:43, 50:53] += 12  # its brightest pixel 21, the 99.99th percentile 19
    show = picture((case, {"input: signal": signal}))
    error = expect_raises(
        ValueError,
        "separate_ink",
        f"{case} (nothing stands out more than 20 grey levels and 6 times the paper's grain)",
        f"this paper's grain is {digit_tools.noise_level(signal):.1f} grey levels (noise_level(signal)) and "
        f"its brightest 0.01% only {np.percentile(signal, 99.99):.0f}: above MIN_CONTRAST, but under "
        "6 times the grain, so it is grain, not ink. Test both: when np.percentile(signal, 99.99) < "
        "max(MIN_CONTRAST, 6 * noise_level(signal)), raise ValueError('no digit found in the image')"
        if case.startswith("coarse")
        else "when np.percentile(signal, 99.99) < max(MIN_CONTRAST, 6 * noise_level(signal)), "
        "raise ValueError('no digit found in the image')",
        lambda: lesson.separate_ink(signal),
    )
    expect(
        "no digit" in str(error).lower(),
        "separate_ink",
        "the message 'no digit found in the image'",
        f"ValueError: {error}",
        "raise ValueError('no digit found in the image'): the learner reads it when a photo is blank",
        show,
    )


# --- keep_digit -----------------------------------------------------------------------------


def five_with_a_flag(shape=(120, 100)):
    """A 5 whose flag (the top bar) does not touch its body, as many people write it."""
    flag = stroke(shape, [(40, 20), (78, 20)])
    body = stroke(shape, [(38, 31), (36, 58)]) | arc(shape, (52, 78), (22, 22), 200, 500)
    return flag, body


def arc(shape, centre, axes, start, end, width=7):
    mask = np.zeros(shape, np.uint8)
    cv2.ellipse(mask, centre, axes, 0, start, end, 1, width)
    return mask > 0


def keep(lesson, mask):
    return as_array("keep_digit", call("keep_digit", lesson.keep_digit, mask), mask.shape)


def test_keep_digit_drops_a_stray_mark(lesson, picture):
    digit = ring((120, 160), (80, 60), (22, 32))
    stray = stroke((120, 160), [(135, 100), (150, 108)], width=5)
    mask = digit | stray
    # Writing the answer into `mask` (out = mask) fails the call, as when graded (`untouched`):
    # preprocess_digit keeps the mask as its 'ink or paper' stage.
    kept = keep(lesson, mask)
    show = picture(("a 0 and a stray mark far from it", {"input: mask": mask, "expected": digit, "yours": kept}))
    expect(
        kept.shape == mask.shape and np.array_equal(kept.astype(bool), digit),
        "keep_digit",
        "only the 0: the stray mark in the corner dropped",
        f"{int(np.count_nonzero(kept & stray))} of the stray mark's {int(stray.sum())} pixels kept, "
        f"{int(np.count_nonzero(kept & digit))} of the 0's {int(digit.sum())}"
        if kept.shape == mask.shape else describe(kept),
        "start from the blob with the highest score (max(blobs, key=lambda blob: blob.score)) "
        "and add only blobs that are near it (blob.near(kept))",
        show,
    )


def test_keep_digit_keeps_a_five_with_its_flag(lesson, picture):
    flag, body = five_with_a_flag()
    mask = flag | body
    kept = keep(lesson, mask)
    show = picture(("a 5 whose flag does not touch its body", {"input: mask": mask, "expected": mask, "yours": kept}))
    expect(
        kept.shape == mask.shape and np.array_equal(kept.astype(bool), mask),
        "keep_digit",
        "the whole 5: its body and its detached flag",
        "the flag was dropped: the 5 became a 'C'-like shape" if kept.shape == mask.shape
        and not (kept.astype(bool) & flag).any() else describe(kept),
        "keeping only the biggest blob loses a 5's flag or half of a 4: add every blob that "
        "is near the digit so far (blob.near(kept)) and at least 3% of its area, until none joins",
        show,
    )


def test_keep_digit_keeps_a_digit_touching_the_border(lesson, picture):
    shape = (100, 140)
    one = stroke(shape, [(58, 0), (22, 99)], width=8)  # a 1 cropped tightly: it touches top and bottom
    speck = stroke(shape, [(120, 80), (124, 82)], width=3)
    mask = one | speck
    kept = keep(lesson, mask)
    show = picture(("a 1 cropped so tightly it touches the top and bottom", {
        "input: mask": mask, "expected": one, "yours": kept}))
    expect(
        kept.shape == mask.shape and np.array_equal(kept.astype(bool), one),
        "keep_digit",
        "the 1 kept, though it touches the border (photos are often cropped tightly)",
        f"{int(np.count_nonzero(kept & one))} of the 1's {int(one.sum())} pixels kept"
        if kept.shape == mask.shape else describe(kept),
        "do not drop blobs because they touch the border: find_blobs already leaves out paper "
        "and table edges, and its score already prefers central blobs",
        show,
    )


def five_with_a_broken_flag(shape=(160, 200), scale=1.0, shift=(0, 0)):
    """A 5 whose flag broke in two where the pen skipped: (body, near piece, far piece).

    The far piece is near the near piece, not near the body, and starts higher, so it comes
    first in find_blobs' list: only a second round of looking finds that it now belongs.
    """
    def at(points):
        return [(round(x * scale + shift[0]), round(y * scale + shift[1])) for x, y in points]

    width, flag_width = max(3, round(7 * scale)), max(3, round(6 * scale))
    body = (stroke(shape, at([(80, 60), (78, 90)]), width)
            | stroke(shape, at([(78, 90), (100, 85), (112, 100), (110, 120), (95, 130), (75, 125)]), width))
    return body, stroke(shape, at([(84, 50), (130, 46)]), flag_width), stroke(shape, at([(146, 42), (168, 32)]), flag_width)


def reachable_only_through(mask, far, near):
    """The scene is as its story says: three blobs, `far` listed before `near`, near the
    digit only once `near` has joined it."""
    blobs = digit_tools.find_blobs(mask)
    if len(blobs) != 3:
        return False
    main = max(blobs, key=lambda blob: blob.score)
    pieces = {name: next((b for b in blobs if b.pixels[part].all()), None) for name, part in (("far", far), ("near", near))}
    return (None not in pieces.values() and blobs.index(pieces["far"]) < blobs.index(pieces["near"])
            and not pieces["far"].near([main]) and pieces["far"].near([main, pieces["near"]]))


def test_keep_digit_grows_until_no_piece_joins(lesson, picture, drawn):
    for _ in range(50):  # the same 5, scaled and moved for this run
        height, width = int(drawn.integers(150, 220)), int(drawn.integers(190, 260))
        scale = float(drawn.uniform(0.85, 1.3))
        centre = (width / 2 + drawn.uniform(-10, 10), height / 2 + drawn.uniform(-10, 10))
        pieces = five_with_a_broken_flag((height, width), scale, (centre[0] - 120 * scale, centre[1] - 85 * scale))
        if reachable_only_through(np.any(pieces, axis=0), pieces[2], pieces[1]):
            break
    for what, (body, near, far) in (("a 5 whose flag broke in two", five_with_a_broken_flag()),
                                    ("the same 5, scaled and moved for this run", pieces)):
        mask = body | near | far
        kept = keep(lesson, mask)
        expect(
            kept.shape == mask.shape and np.array_equal(kept.astype(bool), mask),
            "keep_digit",
            f"the whole 5 for {what}: its body, the flag's near piece, and the far piece, which is "
            "near the digit only once the near piece has joined it",
            ("the far piece of the flag was dropped" if not (kept.astype(bool) & far).any()
             else f"{int(np.count_nonzero(kept & mask))} of the 5's {int(mask.sum())} pixels kept")
            if kept.shape == mask.shape else describe(kept),
            "a piece that joins can bring another within reach: test each blob against everything "
            "kept so far, blob.near(kept), not the main stroke alone, and repeat the pass over the "
            "blobs until none joins (while grown: grown = False; for blob in blobs: ... grown = True)",
            picture((what, {"input: mask": mask, "expected": mask, "yours": kept})),
        )


NEAR_SIZE = 0.03  # the spec's share of the main stroke under which a blob is a speck


def zero_with_a_speck(shape, centre, axes, width, speck_at):
    """A 0 and a square speck just beside it: big enough for find_blobs, under 3% of the 0."""
    zero = ring(shape, centre, axes, width)
    low, high = digit_tools.SPECK_AREA * shape[0] * shape[1], NEAR_SIZE * zero.sum()
    across = int(np.ceil(digit_tools.SPECK_SPAN * max(shape)))  # find_blobs' least span
    side = max(across, int(round((low * high) ** 0.25)))  # its area between the two (geometrically)
    speck = np.zeros(shape, bool)
    left = speck_at[0] - side if speck_at[0] < centre[0] else speck_at[0]  # it grows away from the 0
    speck[speck_at[1]: speck_at[1] + side, left: left + side] = True
    return zero, speck, 1.1 * low < side * side < 0.9 * high


def test_keep_digit_drops_a_speck_beside_the_digit(lesson, picture, drawn):
    for _ in range(50):  # a 0 and a speck placed and sized for this run
        height, width = int(drawn.integers(200, 260)), int(drawn.integers(240, 320))
        cx, cy = int(width / 2 + drawn.integers(-10, 11)), int(height / 2 + drawn.integers(-10, 11))
        ax, ay = int(drawn.integers(20, 27)), int(drawn.integers(28, 37))
        speck_at = (int(cx + drawn.choice([-1, 1]) * (ax + 10 + drawn.integers(0, 8))), int(cy + drawn.integers(-ay, ay)))
        scene = zero_with_a_speck((height, width), (cx, cy), (ax, ay), int(drawn.integers(7, 10)), speck_at)
        if scene[2]:
            break
    for what, (zero, speck, _) in (("a 0 with a speck of dust beside it",
                                    zero_with_a_speck((220, 280), (140, 110), (24, 34), 8, (176, 100))),
                                   ("a 0 and a speck placed for this run", scene)):
        mask = zero | speck
        kept = keep(lesson, mask)
        expect(
            kept.shape == mask.shape and np.array_equal(kept.astype(bool), zero),
            "keep_digit",
            f"only the 0 for {what}: the speck is near it but smaller than 3% of its area",
            ("the speck was kept" if (kept.astype(bool) & speck).any()
             else f"{int(np.count_nonzero(kept & zero))} of the 0's {int(zero.sum())} pixels kept")
            if kept.shape == mask.shape else describe(kept),
            "a blob joins only if it is near the digit and at least NEAR_SIZE (3%) of the main "
            "stroke's area: blob.area >= NEAR_SIZE * main.area and blob.near(kept)",
            picture((what, {"input: mask": mask, "expected": zero, "yours": kept})),
        )


def test_keep_digit_starts_from_the_best_score(lesson, picture, drawn):
    for _ in range(50):  # a 0 in the middle and a bigger scribble in a corner, drawn for this run
        height, width = int(drawn.integers(200, 260)), int(drawn.integers(240, 320))
        centre = (int(width / 2 + drawn.integers(-10, 11)), int(height / 2 + drawn.integers(-10, 11)))
        zero = ring((height, width), centre, (int(drawn.integers(18, 25)), int(drawn.integers(26, 35))),
                    int(drawn.integers(6, 9)))
        corner = [int(v) for v in drawn.integers(28, 36, size=2)]
        corner = (corner[0] if drawn.random() < 0.5 else width - corner[0],
                  corner[1] if drawn.random() < 0.5 else height - corner[1])
        big = ring((height, width), corner, tuple(int(v) for v in drawn.integers(18, 22, size=2)),
                   int(drawn.integers(13, 16)))
        blobs = digit_tools.find_blobs(zero | big)
        if (len(blobs) == 2 and max(blobs, key=lambda b: b.area).pixels[big].all()
                and max(blobs, key=lambda b: b.score).pixels[zero].all() and not blobs[0].near([blobs[1]])):
            break
    fixed_zero, fixed_big = ring((220, 280), (140, 110), (21, 30), 7), ring((220, 280), (32, 30), (20, 20), 15)
    for what, zero, big in (("a 0 in the middle, a bigger scribble in the corner", fixed_zero, fixed_big),
                            ("a 0 and a bigger scribble placed for this run", zero, big)):
        mask = zero | big
        kept = keep(lesson, mask)
        expect(
            kept.shape == mask.shape and np.array_equal(kept.astype(bool), zero),
            "keep_digit",
            f"only the 0 for {what}: the scribble has more ink, but the 0, in the middle, has the "
            "higher score",
            ("the corner scribble was kept" if (kept.astype(bool) & big).any()
             else f"{int(np.count_nonzero(kept & zero))} of the 0's {int(zero.sum())} pixels kept")
            if kept.shape == mask.shape else describe(kept),
            "the main stroke is the blob with the highest score, not the most ink: "
            "max(blobs, key=lambda blob: blob.score) (the score prefers big and central)",
            picture((what, {"input: mask": mask, "expected": zero, "yours": kept})),
        )


def test_keep_digit_says_when_there_is_no_ink(lesson):
    empty = np.zeros((60, 60), bool)
    error = expect_raises(
        ValueError,
        "keep_digit",
        "a mask without any ink",
        "when find_blobs(mask) is an empty list, raise ValueError('no digit found in the image')",
        lambda: lesson.keep_digit(empty),
    )
    expect(
        "no digit" in str(error).lower(),
        "keep_digit",
        "the message 'no digit found in the image'",
        f"ValueError: {error}",
        "when find_blobs(mask) is an empty list, raise ValueError('no digit found in the image') "
        "yourself, before max() raises its own, unhelpful one",
    )


# --- crop_to_ink ----------------------------------------------------------------------------


def test_crop_to_ink_cuts_to_the_bounding_box(lesson, picture, drawn):
    digit = np.zeros((12, 15), bool)
    digit[2, 3] = digit[9, 11] = digit[5, 6] = True  # the top-left, bottom-right and a middle pixel
    crop = as_array("crop_to_ink", call("crop_to_ink", lesson.crop_to_ink, digit), (8, 9))
    expected = digit[2:10, 3:12]
    show = picture(("three ink pixels at rows 2..9, columns 3..11", {
        "input": digit, "expected: rows 2..9, columns 3..11": expected, "yours": crop}))
    expect(
        crop.shape == (8, 9) and np.array_equal(crop.astype(bool), expected),
        "crop_to_ink",
        "shape (8, 9): rows 2 to 9 and columns 3 to 11, both ends included",
        describe(crop),
        "a slice stops before its end: digit[rows.min(): rows.max() + 1, cols.min(): cols.max() + 1]"
        if crop.shape in ((7, 8), (7, 9), (8, 8)) else
        "rows, cols = np.nonzero(digit) gives the row and column of every True pixel; rows "
        "come first (the first axis is the height); cv2.boundingRect returns (x, y, w, h), "
        "column first: digit[y:y + h, x:x + w]" if crop.shape == (9, 8) else
        "rows, cols = np.nonzero(digit); cut from the smallest to the largest of each, + 1",
        show,
    )
    height, width = (int(side) for side in drawn.integers(10, 60, size=2))  # ink placed for this run
    top, bottom = sorted(int(v) for v in drawn.choice(height, 2, replace=False))
    left, right = sorted(int(v) for v in drawn.choice(width, 2, replace=False))
    digit = np.zeros((height, width), bool)
    digit[top: bottom + 1, left: right + 1] = drawn.random((bottom - top + 1, right - left + 1)) < 0.3
    digit[top, int(drawn.integers(left, right + 1))] = digit[bottom, int(drawn.integers(left, right + 1))] = True
    digit[int(drawn.integers(top, bottom + 1)), left] = digit[int(drawn.integers(top, bottom + 1)), right] = True
    expected = digit[top: bottom + 1, left: right + 1]
    crop = as_array("crop_to_ink", call("crop_to_ink", lesson.crop_to_ink, digit), expected.shape)
    expect(
        crop.shape == expected.shape and np.array_equal(crop.astype(bool), expected),
        "crop_to_ink",
        f"shape {expected.shape}: rows {top} to {bottom} and columns {left} to {right}, for ink placed "
        "at random for this run",
        describe(crop),
        "crop the digit you are given: rows, cols = np.nonzero(digit), then "
        "digit[rows.min(): rows.max() + 1, cols.min(): cols.max() + 1]",
        picture(("ink placed for this run", {"input": digit, "expected": expected, "yours": crop})),
    )


def test_crop_to_ink_keeps_ink_on_the_edge(lesson, picture):
    digit = np.zeros((10, 10), bool)
    digit[4:, 9] = True  # a stroke along the last column, down to the last row
    crop = as_array("crop_to_ink", call("crop_to_ink", lesson.crop_to_ink, digit), (6, 1))
    show = picture(("a stroke in the last column", {"input": digit, "expected": digit[4:, 9:], "yours": crop}))
    expect(
        crop.shape == (6, 1) and crop.astype(bool).all(),
        "crop_to_ink",
        "shape (6, 1): the stroke in the last column, rows 4 to 9",
        describe(crop),
        "digit[rows.min(): rows.max() + 1, cols.min(): cols.max() + 1]: -1 or len() tricks "
        "drop the last row or column",
        show,
    )


# --- fit_in_box -----------------------------------------------------------------------------

BOX_SIDE = 20  # the spec's box: the longer side of the fitted digit


@pytest.mark.parametrize("size, wanted", [((100, 38), (20, 8)), ((30, 90), (7, 20)), ((50, 1), (20, 1))],
                         ids=["a tall 1", "a wide minus", "a hair-thin stroke"])
def test_fit_in_box_keeps_the_shape(lesson, size, wanted, picture):
    crop = np.ones(size, bool)
    expected = np.ones(wanted, np.float32)
    result = call_step(lesson, "fit_in_box", crop, opencv_hint=(
        f"for a crop of shape {size}, a side of {min(size)} * {20 / max(size):.2f} rounds to 0 pixels, "
        "which OpenCV refuses: compute (width, height) yourself, each max(1, round(side * fit))"
        if min(size) * 20 / max(size) < 0.5 else
        "cv2.resize cannot resize a bool array: np.asarray(crop, dtype=np.float32) first"),
        picture=picture((f"a {size[0]}x{size[1]} (height x width) block of ink", {"input": crop, "expected": expected})))
    boxed = as_array("fit_in_box", result, wanted)
    show = picture((f"a {size[0]}x{size[1]} (height x width) block of ink", {
        "input": crop, f"expected: shape {wanted}": expected, "yours": boxed}))
    expect(
        boxed.shape == wanted,
        "fit_in_box",
        f"shape {wanted} for a crop of shape {size}: the longer side 20, both sides scaled "
        "by the same factor and rounded (at least 1)",
        describe(boxed),
        "cv2.resize takes (width, height), the other way round from .shape"
        if boxed.shape == wanted[::-1] else
        "keep the aspect ratio: fit = 20 / max(crop.shape), then round each side (at least 1)"
        if boxed.shape == (20, 20) else
        "round(side * fit), not int(side * fit), which always rounds down"
        if abs(boxed.shape[0] - wanted[0]) <= 1 and abs(boxed.shape[1] - wanted[1]) <= 1 else
        "fit = 20 / max(crop.shape); height, width = round(h * fit), round(w * fit), at least 1",
        show,
    )


def test_fit_in_box_anti_aliases(lesson, picture, drawn):
    crop = stroke((60, 60), [(0, 0), (59, 59)], width=5)  # a diagonal: its edges fall between pixels
    boxed = as_array("fit_in_box", call("fit_in_box", lesson.fit_in_box, crop), (20, 20))
    expected = cv2.resize(crop.astype(np.float32), (20, 20), interpolation=cv2.INTER_AREA)
    show = picture(("a sharp diagonal stroke", {"input": crop, "expected": expected, "yours": boxed}))
    expect(
        boxed.dtype == np.float32 and boxed.shape == (20, 20) and 0.9 <= boxed.max() <= 1.0,
        "fit_in_box",
        "float32 values from 0 to 1, shape (20, 20)",
        describe(boxed),
        "convert first: np.asarray(crop, dtype=np.float32) (cv2.resize cannot resize a bool "
        "array, and 0/255 would be 255 times too bright)",
        show,
    )
    soft = np.count_nonzero((boxed > 0.05) & (boxed < 0.95))
    expect(
        soft >= 10 and np.abs(boxed - expected).max() < 0.15,
        "fit_in_box",
        "soft grey edges along the stroke (at least 10 pixels strictly between 0 and 1), like MNIST",
        f"{soft} grey pixels; {describe(boxed)}",
        "interpolation=cv2.INTER_AREA averages all the pixels that shrink into one: MNIST's "
        "anti-aliasing (INTER_NEAREST reads one of them, INTER_LINEAR four: shrinking a lot, "
        "both keep jagged 0/1 edges)",
        show,
    )
    while True:  # a crop drawn for this run whose shorter side does not round from exactly .5
        size = tuple(int(side) for side in drawn.integers(21, 121, size=2))
        short = min(size) * BOX_SIDE / max(size)
        if abs(short % 1 - 0.5) > 0.05:
            break
    wanted = tuple(BOX_SIDE if side == max(size) else max(1, round(side * BOX_SIDE / max(size))) for side in size)
    points = [(int(drawn.integers(0, size[1])), int(drawn.integers(0, size[0]))) for _ in range(3)]
    crop = stroke(size, points, width=max(3, max(size) // 12))
    expected = cv2.resize(crop.astype(np.float32), wanted[::-1], interpolation=cv2.INTER_AREA)
    boxed = as_array("fit_in_box", call("fit_in_box", lesson.fit_in_box, crop), wanted)
    expect(
        boxed.shape == wanted and np.abs(boxed - expected).max() < 0.15,
        "fit_in_box",
        f"shape {wanted} with soft edges for a {size[0]}x{size[1]} crop drawn for this run",
        describe(boxed),
        "resize the crop you are given: fit = 20 / max(crop.shape), each side round(side * fit) "
        "(at least 1), cv2.resize(crop, (width, height), interpolation=cv2.INTER_AREA)",
        picture(("a crop drawn for this run", {"input": crop, "expected": expected, "yours": boxed})),
    )


# --- centre_by_mass -------------------------------------------------------------------------


def top_right_heavy():
    """A 20x14 '7'-like shape: a thick bar on top, a thin leg down to the left."""
    boxed = np.zeros((20, 14), np.float32)
    boxed[0:5, :] = 1.0  # heavy bar
    for row in range(5, 20):
        column = int(round(13 - (row - 5) * 0.6))
        boxed[row, max(0, column - 1): column + 1] = 1.0
    return boxed


def framed_and_centred(boxed):
    """`boxed` pasted in the middle of a black 28x28 frame, and that frame moved by its mass to
    (14, 14): the spec's first step and its answer."""
    framed = np.zeros((28, 28), np.float32)
    top, left = (28 - boxed.shape[0]) // 2, (28 - boxed.shape[1]) // 2
    framed[top: top + boxed.shape[0], left: left + boxed.shape[1]] = boxed
    x, y = centre_of_mass(framed)
    moved = cv2.warpAffine(framed, np.float32([[1, 0, 14 - x], [0, 1, 14 - y]]), (28, 28))
    return framed, np.clip(moved, 0, 1)


def learner_centred(lesson, boxed):
    """The learner's centre_by_mass(boxed), and where its mass is (x across, y down)."""
    frame = as_array("centre_by_mass", call("centre_by_mass", lesson.centre_by_mass, boxed), (28, 28))
    x, y = centre_of_mass(frame) if frame.shape == (28, 28) else (float("nan"), float("nan"))
    return frame, x, y


ROUNDED_SHIFT = ("keep the shift's fractions: rounded to whole pixels, the mass lands up to half a "
                 "pixel off; cv2.warpAffine moves by (14 - x, 14 - y) exactly")


def test_centre_by_mass_puts_the_mass_at_14_14(lesson, picture, drawn):
    boxed = top_right_heavy()
    frame, x, y = learner_centred(lesson, boxed)
    reference, expected = framed_and_centred(boxed)
    rx, ry = centre_of_mass(reference)
    show = picture(("a top-heavy 7: its mass is high and to the right", {
        "input (20x14)": boxed, "expected: mass at (14, 14)": expected, "yours": frame}))
    expect(
        frame.shape == (28, 28) and frame.dtype == np.float32,
        "centre_by_mass",
        "a float32 array of shape (28, 28)",
        describe(frame),
        "frame = np.zeros((28, 28), np.float32), paste the digit in, move it, return the frame",
        show,
    )
    box_only = abs(x - rx) < 0.3 and abs(y - ry) < 0.3
    swapped = abs(x - (14 + rx - ry)) < 0.6 and abs(y - (14 + ry - rx)) < 0.6
    expect(
        abs(x - 14) <= 0.3 and abs(y - 14) <= 0.3,
        "centre_by_mass",
        "the centre of mass at (14, 14) (x across, y down) within 0.3 pixel (the 7's stroke "
        "touches the frame's edge once moved)",
        f"the centre of mass at ({x:.2f}, {y:.2f})",
        "you centred the bounding box: MNIST centres the mass. Shift by (14 - x, 14 - y) with "
        "cv2.warpAffine(frame, np.float32([[1, 0, 14 - x], [0, 1, 14 - y]]), (28, 28))"
        if box_only else
        "x is m['m10'] / m['m00'] (across, first row of the matrix), y is m['m01'] / m['m00'] (down)"
        if swapped else
        "the centre is 14 = 28 / 2, not 13.5: MNIST (and cv2.moments) put the centre of a 28-pixel "
        "frame at 14; shift by (14 - x, 14 - y)"
        if abs(x - 13.5) < 0.15 and abs(y - 13.5) < 0.15 else
        "your shift moved the mass away from the centre: shift by 14 - x and 14 - y (from where "
        "the mass is to where it should be), not x - 14"
        if abs(x - 14) > abs(rx - 14) + 0.5 or abs(y - 14) > abs(ry - 14) + 0.5 else
        ROUNDED_SHIFT if abs(x - 14) <= 0.5 and abs(y - 14) <= 0.5 else
        "x = m['m10'] / m['m00'], y = m['m01'] / m['m00'] from m = cv2.moments(frame); the "
        "matrix [[1, 0, 14 - x], [0, 1, 14 - y]] moves the image by (14 - x, 14 - y)",
        show,
    )
    expect(
        0.0 <= frame.min() and frame.max() <= 1.0 and abs(frame.sum() - boxed.sum()) < 0.05 * boxed.sum(),
        "centre_by_mass",
        "the same digit, values 0..1, none of it lost off the frame",
        f"{describe(frame)}, total ink {frame.sum():.0f} of {boxed.sum():.0f}",
        "paste at top = (28 - h) // 2, left = (28 - w) // 2 before moving, then np.clip(frame, 0, 1)",
        show,
    )
    other = int(drawn.integers(6, 21))  # a boxed digit drawn for this run: its shape and strokes
    shape = (20, other) if drawn.random() < 0.5 else (other, 20)
    boxed = np.zeros(shape, np.float32)
    for _ in range(2):
        ends = [(int(drawn.integers(0, shape[1])), int(drawn.integers(0, shape[0]))) for _ in range(2)]
        cv2.line(boxed, ends[0], ends[1], 1.0, int(drawn.integers(2, 4)))
    frame, x, y = learner_centred(lesson, boxed)
    _, expected = framed_and_centred(boxed)
    expect(
        abs(x - 14) <= 0.1 and abs(y - 14) <= 0.1 and abs(frame.sum() - expected.sum()) < 0.05 * expected.sum(),
        "centre_by_mass",
        f"the centre of mass at (14, 14) within 0.1 pixel and all the ink kept, for a "
        f"{shape[0]}x{shape[1]} digit drawn for this run",
        f"the centre of mass at ({x:.2f}, {y:.2f}), total ink {frame.sum():.0f} of {expected.sum():.0f}",
        ROUNDED_SHIFT if 0.1 < max(abs(x - 14), abs(y - 14)) <= 0.5 else
        "move the digit you are given by its own centre of mass: x = m['m10'] / m['m00'], "
        "y = m['m01'] / m['m00'] from cv2.moments(frame), then shift by (14 - x, 14 - y)",
        picture(("a boxed digit drawn for this run", {"input": boxed, "expected": expected, "yours": frame})),
    )
    ring = np.zeros((20, 14), np.float32)  # a 0 whose mass sits between pixels: (13.5, 13.5) once framed
    cv2.rectangle(ring, (0, 0), (13, 19), 1.0, 2)
    frame, x, y = learner_centred(lesson, ring)
    _, expected = framed_and_centred(ring)
    expect(
        abs(x - 14) <= 0.1 and abs(y - 14) <= 0.1,
        "centre_by_mass",
        "the centre of mass at (14, 14) within 0.1 pixel for a 20x14 ring whose mass, once "
        "framed, sits at (13.5, 13.5), between two pixels",
        f"the centre of mass at ({x:.2f}, {y:.2f})",
        ROUNDED_SHIFT,
        picture(("a ring whose mass sits between pixels", {"input": ring, "expected": expected, "yours": frame})),
    )


# --- preprocess_digit: the steps, chained -----------------------------------------------------

STEPS = ["working_copy", "white_on_black", "even_out_lighting", "separate_ink", "edge_bands",
         "keep_digit", "crop_to_ink", "match_stroke_width", "fit_in_box", "centre_by_mass"]
COURSE_CODE = {"working_copy", "edge_bands", "match_stroke_width"}
MISSING_STEP_HINTS = {
    "working_copy": "start with picture = working_copy(grey) (course code): every photo at one size",
    "edge_bands": "after the first separate_ink: bands = edge_bands(mask); if bands.any(): "
                  "signal = np.where(bands, 0.0, signal); mask = separate_ink(signal)",
    "match_stroke_width": "match_stroke_width (course code) brings a fine pen or a marker to MNIST's "
                          "stroke width: crop = match_stroke_width(crop_to_ink(digit))",
}


def table_edge_photo():
    """A 3 near a dark table edge along the picture's right side, thin pen, tinted paper."""
    return paper_photo(drawn_mask(3, 200, weight=0.05, seed=7), table_edge=True,
                       digit_fraction=0.45, centre=(0.5, 0.4), paper=(225, 220, 200))


def test_preprocess_digit_chains_every_step(lesson, reference, picture, monkeypatch):
    for name in STEPS:
        expect(
            callable(getattr(lesson, name, None)),
            "preprocess_digit",
            f"the lesson file to have {name}()",
            f"no {name} in the lesson file",
            f"keep the line that imports {name} from mnist_course.pictures.digit_tools"
            if name in COURSE_CODE else f"write {name}() above preprocess_digit",
        )
    calls = record_steps(monkeypatch, lesson, STEPS)
    grey = table_edge_photo()
    stages = {}
    photo = "a 3 near a table edge, thin pen"
    expected = LazyImage(lambda: reference("07").preprocess_digit(grey))
    image = preprocess_photo(lesson, grey, photo, expected, picture, reference, calls, stages=stages)
    missing = [name for name in STEPS if name not in calls]
    expect(
        not missing,
        "preprocess_digit",
        "a call to each step: " + ", ".join(STEPS),
        "never called " + ", ".join(missing),
        MISSING_STEP_HINTS.get((missing or [""])[0],
                               f"call {(missing or ['each step'])[0]}() on the result of the step before it "
                               "(see the docstring's list)"),
    )
    order = [name for name in calls if name in STEPS]
    firsts = sorted(STEPS, key=order.index)
    expect(
        firsts == STEPS,
        "preprocess_digit",
        "the steps in this order: " + " -> ".join(STEPS),
        " -> ".join(firsts),
        "each step works on the result of the one before: picture -> ink -> signal -> mask -> "
        "digit -> crop -> boxed -> frame",
    )
    expect(
        calls.count("separate_ink") == 2,
        "preprocess_digit",
        "separate_ink called again after edge_bands found the table edge in this photo",
        f"separate_ink called {calls.count('separate_ink')} time(s)",
        "bands = edge_bands(mask); if bands.any(): signal = np.where(bands, 0.0, signal); "
        "mask = separate_ink(signal)",
    )
    if image.shape != (28, 28):
        blame_a_step(lesson, reference, grey, photo, picture, calls)
    expect(
        image.shape == (28, 28) and set(stages) >= {"picture", "ink", "mask", "digit"},
        "preprocess_digit",
        "a (28, 28) image, and `stages` filled with 'picture', 'ink', 'mask' and 'digit'",
        f"{describe(image)}; stages {sorted(stages)}",
        "return the result of centre_by_mass; if stages is not None: "
        "stages.update(picture=picture, ink=signal, mask=mask, digit=digit)",
    )
    check_stages(stages, reference("07"), grey, picture)


STAGE_STEPS = {"picture": "working_copy", "ink": "even_out_lighting", "mask": "separate_ink", "digit": "keep_digit"}


def check_stages(stages, reference, grey, picture):
    """Each of `stages` holds what its name says (explain_figure draws them under those titles):
    the working copy, the ink signal (before or after the edge bands are wiped), the ink mask
    (from either separate_ink) and the digit kept."""
    picture0 = reference.working_copy(grey)
    signal0 = reference.even_out_lighting(reference.white_on_black(picture0))
    theirs = {}
    reference.preprocess_digit(grey, stages=theirs)
    accepted = {"picture": [theirs["picture"]], "ink": [theirs["ink"], signal0],
                "mask": [theirs["mask"], reference.separate_ink(signal0)], "digit": [theirs["digit"]]}
    for key, step in STAGE_STEPS.items():
        yours = np.asarray(stages[key])
        is_mask = key in ("mask", "digit")
        grey_levels = yours.dtype != bool and not np.isin(yours, (0, 1)).all()
        if yours.shape != accepted[key][0].shape:
            seen = f"stages['{key}'] of shape {yours.shape}, not the working copy's {accepted[key][0].shape}"
        elif is_mask and grey_levels:
            seen = f"stages['{key}'] holds grey levels, not a True/False mask"
        elif not is_mask and yours.dtype == bool:
            seen = f"stages['{key}'] holds a True/False mask"
        elif any(same_stage(yours, want, is_mask) for want in accepted[key]):
            continue
        else:
            wrong = [other for other in STAGE_STEPS if other != key
                     and any(same_stage(yours, want, other in ("mask", "digit")) for want in accepted[other])]
            seen = f"stages['{key}'] holds what belongs in stages['{wrong[0]}']" if wrong \
                else f"stages['{key}'] is not what {step}() gives for this photo"  # fmt: skip
        expect(
            False,
            "preprocess_digit",
            f"stages['{key}'] = the result of {step}() (explain_figure draws it as that step)",
            seen,
            "stages.update(picture=picture, ink=signal, mask=mask, digit=digit), each name holding "
            "its own step's result",
            picture(("a 3 near a table edge, thin pen", {f"expected stages['{key}']": accepted[key][0],
                                                          f"your stages['{key}']": yours.astype(np.float32)})),
        )


def same_stage(yours, want, is_mask) -> bool:
    """The same picture, but for the few pixels where two right ways of writing a step differ."""
    if yours.shape != want.shape:
        return False
    if is_mask:
        return np.mean(yours.astype(bool) != np.asarray(want, bool)) < 0.005
    return float(np.mean(np.abs(yours.astype(np.float32) - np.asarray(want, np.float32)))) < 0.01 * max(float(np.max(want)), 1.0)


class LazyImage:
    """An image computed only when a failure picture draws it."""

    def __init__(self, make):
        self.make = make

    def __array__(self, dtype=None, copy=None):
        return np.asarray(self.make(), dtype=dtype)


# --- which step to fix: each of the learner's steps against the reference's chain -------------
# When preprocess_digit's result is wrong, the step to fix is the first one whose result, given
# what the reference's chain hands it, differs from the reference's: the steps are called here
# one by one (in the worker when grading), never swapped into the lesson module.

GIVEN = {  # what each step is handed, in the learner's words
    "white_on_black": "working copy",
    "even_out_lighting": "white-on-black ink",
    "separate_ink": "evened-out signal",
    "separate_ink again": "signal with the table or paper edge set to 0",
    "keep_digit": "ink mask",
    "crop_to_ink": "digit mask",
    "fit_in_box": "cropped digit (its stroke width matched)",
    "centre_by_mass": "digit fitted in its 20-pixel box",
}


def reference_chain(reference, grey):
    """The reference's stages for `grey`: (step, what it is handed, what it gives), in the
    order preprocess_digit runs them."""
    ref = reference("07")
    picture = ref.working_copy(grey)
    ink = ref.white_on_black(picture)
    signal = ref.even_out_lighting(ink)
    mask = ref.separate_ink(signal)
    stages = [("white_on_black", picture, ink), ("even_out_lighting", ink, signal), ("separate_ink", signal, mask)]
    bands = ref.edge_bands(mask)
    if bands.any():
        signal = np.where(bands, 0.0, signal)
        mask = ref.separate_ink(signal)
        stages.append(("separate_ink again", signal, mask))
    digit = ref.keep_digit(mask)
    crop = ref.crop_to_ink(digit)
    thick = ref.match_stroke_width(crop)
    boxed = ref.fit_in_box(thick)
    return stages + [("keep_digit", mask, digit), ("crop_to_ink", digit, crop), ("fit_in_box", thick, boxed),
                     ("centre_by_mass", boxed, ref.centre_by_mass(boxed))]


def stage_words(array) -> str:
    array = np.asarray(array)
    return f"a mask with {int(array.sum())} ink pixels" if array.dtype == bool else describe(array)


def stage_difference(got, expected) -> str | None:
    """None when a step's result is the reference's (a mask to within 1% of its ink, numbers
    to within 1% of their range); else 'yours ... where ... was expected', in a few words."""
    if got is None:
        return f"None (no return statement?) where {stage_words(expected)} was expected"
    returned = got
    try:
        got = np.asarray(got)
    except Exception:  # noqa: BLE001 - whatever came back, it is not the stage
        got = np.asarray(None)
    if got.dtype == object or not (np.issubdtype(got.dtype, np.number) or got.dtype == bool):
        return f"a {type_name(returned).removeprefix('builtins.')} where {stage_words(expected)} was expected"
    if got.shape != expected.shape:
        return f"an array of shape {got.shape} where shape {expected.shape} was expected"
    if expected.dtype == bool:
        differ = int(np.sum((got != 0) != expected))
        if differ <= max(2, 0.01 * expected.sum()):
            return None
        return (f"a mask with {int(np.sum(got != 0))} ink pixels where {int(expected.sum())} were expected "
                f"({differ} pixels differ)")
    gap = np.abs(got.astype(np.float64) - expected)
    tolerance = 0.01 * max(float(np.ptp(expected)), 1e-6)
    if gap.max() <= tolerance:
        return None
    return (f"values {got.min():.4g}..{got.max():.4g} where {expected.min():.4g}..{expected.max():.4g} were "
            f"expected ({int(np.sum(gap > tolerance))} of {gap.size} pixels differ, by up to {gap.max():.3g})")


def first_wrong_step(lesson, reference, grey):
    """(step, what it was handed, expected, yours, how yours differs) for the first of the
    learner's steps that does not give the reference's result; None when every step does."""
    for stage, given, expected in reference_chain(reference, grey):
        name = stage.split()[0]
        try:
            got = getattr(lesson, name)(given)
        except NotImplementedError:
            raise  # a step not written yet says so itself
        except Exception as error:  # noqa: BLE001 - the step's own error is the news
            return stage, given, expected, None, f"raised {error_words(error, 120)}"
        differs = stage_difference(got, expected)
        if differs:
            return stage, given, expected, got, differs
    return None


def chained_in_order(calls, stopped: bool) -> bool:
    """Whether preprocess_digit called every step in order (only the first ones, in order, when
    a step `stopped` it with an error)."""
    order = list(dict.fromkeys(name for name in calls if name in STEPS))
    return bool(order) and order == STEPS[: len(order)] and (stopped or len(order) == len(STEPS))


def blame_a_step(lesson, reference, grey, photo, picture, calls=None, stopped=False):
    """Fail naming the first step that gives a result other than the reference's, if any.

    `calls`: the steps the learner's preprocess_digit called (`record_steps`), read before the
    steps are called here one by one."""
    calls = None if calls is None else list(calls)
    wrong = first_wrong_step(lesson, reference, grey)
    if wrong is None:
        return
    stage, given, expected, got, differs = wrong
    name = stage.split()[0]
    shown = picture((f"{name}() on the photo '{photo}'", {
        f"given to {name}": given, "expected": expected, f"your {name}": got}))()
    itself = ("preprocess_digit itself looks right (it calls the steps in order); "
              if calls is not None and chained_in_order(calls, stopped) else "")
    raise CheckFailure(
        name,
        f"{name}() to give the reference's result when given the reference's {GIVEN[stage]} for "
        f"the photo '{photo}'",
        f"{itself}its step {name}() gave {differs}",
        f"fix {name} first (pytest checks/lesson_07 -k {name}): preprocess_digit can only be as right "
        "as its steps; then run preprocess_digit's checks again",
        str(shown) if shown else None,
    )


def preprocess_photo(lesson, grey, photo, expected, picture, reference=None, calls=None, stages=None):
    """The learner's preprocess_digit on a photo that has a digit. An error names the step that
    went wrong first (given a `reference`): the one that raised may only have been handed a
    wrong result; else a ValueError names the photo, and any other error is the learner's."""
    try:
        return np.asarray(call("preprocess_digit", lesson.preprocess_digit, grey,
                               **({} if stages is None else {"stages": stages})))
    except (NotImplementedError, CheckFailure):
        raise
    except Exception as error:  # noqa: BLE001 - the step to fix may be an earlier one
        if reference is not None:
            blame_a_step(lesson, reference, grey, photo, picture, calls, stopped=True)
        if not isinstance(error, ValueError):
            raise
        raise CheckFailure(
            "preprocess_digit", f"a 28x28 digit from the photo '{photo}' (it has a digit)",
            f"ValueError: {error}",
            "a step found no ink where there is a digit: run each step's own checks first "
            "(pytest checks/lesson_07 -k white_on_black, -k even_out, -k separate_ink...), then "
            "look at the picture",
            str(picture((photo, {"input photo": grey, "expected": expected, "yours": None}))()),
        ) from None


PHOTOS = {
    "a 2 on white paper": lambda: paper_photo(drawn_mask(2, 200, seed=1)),
    "a 3 near a table edge, thin pen": table_edge_photo,
    "a 5 in a shadow, with specks": lambda: paper_photo(
        drawn_mask(5, 200, seed=5), lighting=0.55, shadow=True, specks=6, paper=(215, 205, 180),
        digit_fraction=0.35, centre=(0.55, 0.45), noise=5, jpeg_quality=50),
    "a 4 in chalk on a board": lambda: paper_photo(drawn_mask(4, 200, seed=2), kind="board", paper=(60, 80, 70)),
    "a 7 in thick marker": lambda: paper_photo(drawn_mask(7, 200, weight=0.95, seed=4)),
}
DRAWN_PHOTO = "a digit photographed for this run"


def drawn_photo(drawn):
    """A plain photo of a digit, its handwriting, pen, place and size drawn for this run."""
    digit = int(drawn.integers(0, 10))
    mask = drawn_mask(digit, 200, weight=float(drawn.uniform(0.1, 0.8)), seed=int(drawn.integers(1 << 30)))
    return paper_photo(mask, digit_fraction=float(drawn.uniform(0.4, 0.65)),
                       centre=(float(drawn.uniform(0.42, 0.58)), float(drawn.uniform(0.42, 0.58))))


@pytest.mark.parametrize("photo", [*PHOTOS, DRAWN_PHOTO])
def test_preprocess_digit_matches_the_reference(lesson, reference, photo, picture, drawn, monkeypatch):
    grey = drawn_photo(drawn) if photo == DRAWN_PHOTO else PHOTOS[photo]()
    expected = reference("07").preprocess_digit(grey)
    calls = record_steps(monkeypatch, lesson, STEPS)
    image = preprocess_photo(lesson, grey, photo, expected, picture, reference, calls)
    show = picture((photo, {"input photo": grey, "expected": expected, "yours": image}))
    if not (image.shape == (28, 28) and image.dtype == np.float32 and similarity(image, expected) > 0.95):
        blame_a_step(lesson, reference, grey, photo, picture, list(calls))
    expect(
        image.shape == (28, 28),
        "preprocess_digit",
        f"a (28, 28) image for the photo '{photo}'",
        describe(image),
        "return centre_by_mass(fit_in_box(...)): MNIST images are 28x28",
        show,
    )
    expect(
        image.dtype == np.float32 and -1e-6 <= image.min() and image.max() <= 1 + 1e-6,
        "preprocess_digit",
        f"float32 values in 0..1 for the photo '{photo}'",
        f"{image.dtype} values {image.min():.7g}..{image.max():.7g}",
        "return centre_by_mass's result as it is; centre_by_mass ends with np.clip(frame, 0.0, 1.0)",
        show,
    )
    expect(
        similarity(image, expected) > 0.95,
        "preprocess_digit",
        f"the reference's 28x28 digit for the photo '{photo}' (correlation above 0.95)",
        f"a different image (correlation {similarity(image, expected):.2f})",
        "your image is the expected one inverted, black ink on white: MNIST digits are white on black, "
        "as centre_by_mass returns them, so return its result without `1 - ...`"
        if similarity(image, expected) < -0.9 else
        "each step, given the reference's input, gives the reference's result, so look at how "
        "preprocess_digit passes them on: each step takes the result of the one before (picture -> "
        "ink -> signal -> mask -> digit -> crop -> boxed -> frame). Open the picture: thin or fat "
        "strokes, match_stroke_width is missing; a faint or cut digit, edge_bands / separate_ink again",
        show,
    )


@pytest.mark.parametrize("case", ["a blank sheet of paper", "an all-black picture"])
def test_preprocess_digit_says_when_there_is_no_digit(lesson, case):
    if case == "an all-black picture":
        grey = np.zeros((200, 160), np.uint8)
    else:
        blank = photograph(np.zeros((10, 10), np.uint8), Conditions(
            canvas=(300, 240), lighting=0.4, texture=4, noise=4, jpeg_quality=60), seed=2)
        grey = grey_of(blank)
    try:
        result = lesson.preprocess_digit(grey)
    except NotImplementedError:
        raise
    except ValueError as raised:
        error = raised
    except Exception as raised:  # noqa: BLE001 - any other error is the learner's to see
        raise CheckFailure("preprocess_digit", f"ValueError for {case}", f"{type(raised).__name__}: {raised}",
                           "only ValueError('no digit found in the image') should come out: "
                           "the step that raised is named above") from None
    else:
        raise CheckFailure(
            "preprocess_digit", f"ValueError('no digit found in the image') for {case}",
            f"no error: a {describe(result)} came back, which the model would happily classify",
            "do not catch the steps' ValueError; and chain every step: on a blank page the paper's "
            "grain along the border is an 'edge band', and only the second separate_ink, after "
            "edge_bands, finds that nothing is left (test_preprocess_digit_chains_every_step says "
            "which step is missing)",
        )
    expect(
        "no digit" in str(error).lower(),
        "preprocess_digit",
        "the message 'no digit found in the image'",
        f"ValueError: {error}",
        "say what is wrong in the learner's words: 'no digit found in the image'",
    )


QUICK_UNITS, QUICK_RATE, QUICK_EPOCHS, QUICK_BATCH = (128,), 2e-3, 4, 128
# Part of the cached weights' key: a change to the recipe trains the quick model afresh.
QUICK_MODEL_RECIPE = (f"reference MLP {QUICK_UNITS}, Adam {QUICK_RATE}, seed 0, "
                      f"{QUICK_EPOCHS} epochs of batch {QUICK_BATCH} on small_train")
MNIST_PHOTOS, PHOTOS_SEED, PASS_SHARE = 30, 11, 0.8  # at least 80% of 30 photos read right


def quick_model_of(lesson_04, seed=0):
    """The compiled, untrained quick model (QUICK_MODEL_RECIPE) from `lesson_04`'s functions."""
    keras.utils.set_random_seed(seed)
    return lesson_04.compile_model(lesson_04.build_model(QUICK_UNITS), learning_rate=QUICK_RATE)


@pytest.fixture(scope="module")
def quick_model(course, reference, small_train):
    """A small MLP trained for a few seconds: about 93% on MNIST, enough to tell pipelines apart.

    It is made from the reference code, never the learner's, so its weights are kept in
    .course/cache/ and reused by the next run (learners rerun these checks after every
    edit). A change to the reference code, Keras or the images trains it afresh.
    """
    x, y = small_train
    lesson_04 = reference("04")
    model = quick_model_of(lesson_04)
    key = hashlib.sha256(
        "\n".join([QUICK_MODEL_RECIPE, keras.__version__, Path(lesson_04.__file__).read_text()]).encode()
        + x.tobytes() + y.tobytes()
    ).hexdigest()
    path = course.check_cache / "lesson_07_quick_model.npz"
    if not restore_weights(model, path, key):
        model.fit(x, y, epochs=QUICK_EPOCHS, batch_size=QUICK_BATCH, verbose=0)
        weights = {f"w{index}": array for index, array in enumerate(model.get_weights())}
        save_npz_atomically(path, key=np.array(key), **weights)
    return model


def mnist_photos(x_test, y_test):
    """The check's photos of MNIST test digits, seeded: (grey picture, label), one at a time
    (a photo takes about 0.1 s to make: a step that fails on the first should say so at once)."""
    rng = np.random.default_rng(PHOTOS_SEED)
    chosen = rng.choice(len(x_test), MNIST_PHOTOS, replace=False)
    for index in chosen:
        conditions = random_conditions(rng)
        conditions.canvas = (conditions.canvas[0] // 3 + 80, conditions.canvas[1] // 3 + 80)
        conditions.blur /= 3
        conditions.kind = "photo"
        mask = mnist_mask(x_test[index], 120, weight=float(rng.uniform(0, 1)))
        yield grey_of(photograph(mask, conditions, seed=int(index))), y_test[index]


def restore_weights(model, path, key) -> bool:
    """Load the weights saved under `key` into `model`; False when there are none to use."""
    try:
        with np.load(path, allow_pickle=False) as saved:
            if str(saved["key"]) != key:
                return False
            weights = [saved[f"w{index}"] for index in range(len(saved.files) - 1)]
    except UNREADABLE_CACHE:
        return False
    if [w.shape for w in weights] != [w.shape for w in model.get_weights()]:
        return False
    model.set_weights(weights)
    return True


def test_preprocess_digit_lets_the_model_read_photos(lesson, reference, mnist, picture, monkeypatch, request):
    _, (x_test, y_test) = mnist
    greys, labels, images, naive = [], [], [], []
    calls = record_steps(monkeypatch, lesson, STEPS)
    for number, (grey, label) in enumerate(mnist_photos(x_test, y_test), start=1):
        greys.append(grey)
        labels.append(label)
        name = f"photo {number} of {MNIST_PHOTOS}, a {label}"
        expected = lambda grey=grey: reference("07").preprocess_digit(grey)  # noqa: E731 - only on failure
        images.append(np.asarray(preprocess_photo(lesson, grey, name, LazyImage(expected), picture, reference,
                                                  calls), np.float32))
        naive.append(255 - cv2.resize(grey, (28, 28), interpolation=cv2.INTER_AREA))
    # The model only now, once all the photos came through: training it (the first time, before
    # it is cached) costs more than the rest of this check, and a lesson not written yet
    # should not wait for it (a fresh course's first `mnist-course progress`).
    quick_model = request.getfixturevalue("quick_model")
    # Direct calls score the photos: model.predict would first trace a graph.
    predicted = np.asarray(quick_model(np.stack(images), training=False)).argmax(axis=1)
    plain = np.asarray(quick_model(np.stack(naive) / 255.0, training=False)).argmax(axis=1)
    truth = np.array(labels)
    right = float(np.mean(predicted == truth))
    wrong = np.flatnonzero(predicted != truth)[:6]
    if right < PASS_SHARE:  # the first misread photo whose 28x28 isn't the reference's: which step?
        for i in np.flatnonzero(predicted != truth):
            if similarity(images[i], reference("07").preprocess_digit(greys[i])) <= 0.95:
                blame_a_step(lesson, reference, greys[i], f"photo {i + 1} of {MNIST_PHOTOS}, a {truth[i]}",
                             picture, calls)
                break
    show = picture(*[
        (f"photo {i + 1} of {MNIST_PHOTOS}: a {truth[i]}, read as {predicted[i]}", {
            "input photo": greys[i], "expected": reference("07").preprocess_digit(greys[i]), "yours": images[i]})
        for i in wrong
    ])
    expect(
        right >= PASS_SHARE,
        "preprocess_digit",
        f"at least {PASS_SHARE:.0%} of {MNIST_PHOTOS} photos of MNIST test digits read right by a small "
        "model",
        f"{right:.0%} (a plain resize and invert gets {np.mean(plain == truth):.0%}); misread: photos "
        + ", ".join(str(i + 1) for i in np.flatnonzero(predicted != truth)),
        "every MNIST step matters: each step's own check passes? Then look at the picture: "
        "the first misread photos, with the expected 28x28 beside yours",
        show,
    )


# --- predict_digit --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def untrained(reference):
    keras.utils.set_random_seed(0)
    return reference("04").build_model((32,))


def the_highest_probability(digits, probabilities) -> bool:
    """Whether `digits` are the highest probabilities themselves (np.max, maybe made whole
    numbers) rather than their positions (np.argmax)."""
    probabilities = np.asarray(probabilities, dtype=float)
    highest = probabilities.max(axis=-1)
    try:
        digits = np.asarray(digits, dtype=float)
    except (TypeError, ValueError):
        return False
    if digits.shape != highest.shape or np.array_equal(digits, probabilities.argmax(axis=-1)):
        return False
    return bool(np.allclose(digits, highest, atol=1e-4) or np.array_equal(digits, np.floor(highest))
                or np.array_equal(digits, np.round(highest)))


MAX_NOT_ARGMAX = (
    "np.max(probabilities) (or probabilities.max()) gives the highest probability itself; "
    "np.argmax(probabilities) gives its position, 0..9, which is the digit: "
    "int(np.argmax(probabilities))"
)


SECOND_SOFTMAX = (
    "the model's output already sums to 1: it is the probabilities, and a second softmax "
    "flattens them towards 0.1 each. Apply a softmax only to scores that are not "
    "probabilities (negative, or rows not summing to 1)"
)


def test_predict_digit_for_one_image(lesson, untrained, small_test, drawn):
    x, _ = small_test
    result = call("predict_digit", lesson.predict_digit, untrained, x[0])
    expect(
        isinstance(result, tuple) and len(result) == 2,
        "predict_digit",
        "a pair (digit, probabilities)",
        type_name(result),
        "return digit, probabilities",
    )
    digit, probabilities = result
    probabilities = np.asarray(probabilities)
    wanted = untrained.predict(x[:1], verbose=0)[0]
    expect(
        probabilities.shape == (10,),
        "predict_digit",
        "ten probabilities, shape (10,), for one image",
        describe(probabilities),
        "the pair is in the wrong order: (digit, probabilities) are swapped; "
        "return digit, probabilities"
        if np.ndim(digit) == 1 and np.size(digit) == 10 and probabilities.ndim == 0
        else "model.predict returns a batch, shape (1, 10): take row [0]",
    )
    again = np.exp(wanted - wanted.max()) / np.exp(wanted - wanted.max()).sum()  # a second softmax
    expect(
        abs(float(probabilities.sum()) - 1) < 1e-4 and np.allclose(probabilities, wanted, atol=1e-4),
        "predict_digit",
        "the model's softmax output, summing to 1",
        describe(probabilities),
        SECOND_SOFTMAX
        if probabilities.shape == (10,) and np.allclose(probabilities, again, atol=1e-4)
        else "model.predict(image[np.newaxis], verbose=0)[0]",
    )
    highest = the_highest_probability(digit, wanted)
    expect(
        isinstance(digit, int) and not isinstance(digit, bool) and digit == int(np.argmax(wanted)),
        "predict_digit",
        f"the Python int {int(np.argmax(wanted))} (the index of the largest probability)",
        f"{digit!r} ({type_name(digit)})"
        + (": this looks like a probability (0..1), not a digit 0..9" if highest else ""),
        MAX_NOT_ARGMAX if highest else "int(np.argmax(probabilities))",
    )
    image = drawn.random((28, 28), dtype=np.float32)  # random pixels drawn for this run
    digit, probabilities = call("predict_digit", lesson.predict_digit, untrained, image)
    wanted = untrained.predict(image[np.newaxis], verbose=0)[0]
    expect(
        np.shape(probabilities) == (10,) and np.allclose(probabilities, wanted, atol=1e-4)
        and digit == int(np.argmax(wanted)),
        "predict_digit",
        f"the model's answer for an image of random pixels drawn for this run: {int(np.argmax(wanted))}, "
        f"probabilities {rounded(wanted, 2)}",
        f"{digit!r}, probabilities {rounded(np.asarray(probabilities, dtype=float), 2)}",
        "ask the model about the image you are given: model.predict(image[np.newaxis], verbose=0)[0]",
    )


def test_predict_digit_for_a_batch_and_other_input_shapes(lesson, untrained, small_test, drawn):
    x, _ = small_test
    # Five other images drawn for this run: a batch of the same size is not traced again.
    chosen = drawn.choice(np.arange(5, len(x)), size=5, replace=False)
    for batch, what in ((x[:5], "5 images"), (x[chosen], "5 test images drawn for this run")):
        result = call("predict_digit", lesson.predict_digit, untrained, batch)
        digits, probabilities = np.asarray(result[0]), np.asarray(result[1])
        wanted = untrained.predict(batch, verbose=0)
        n = len(batch)
        expect(
            digits.shape == (n,) and probabilities.shape == (n, 10)
            and np.array_equal(digits, wanted.argmax(axis=1)) and np.allclose(probabilities, wanted, atol=1e-4),
            "predict_digit",
            f"for {what}: digits of shape ({n},), the model's answers, and probabilities of shape ({n}, 10)",
            f"digits {describe(digits)}"
            + (" (these look like probabilities (0..1), not digits 0..9)"
               if the_highest_probability(digits, wanted) else "")
            + f", probabilities {describe(probabilities)}",
            "np.max(probabilities, axis=1) gives each image's highest probability; "
            "np.argmax(probabilities, axis=1) gives its position, the digit"
            if the_highest_probability(digits, wanted)
            else SECOND_SOFTMAX
            if probabilities.shape == (n, 10) and np.allclose(probabilities, softmax(wanted), atol=1e-4)
            else "only add the batch axis when image.ndim == 2; argmax along axis=1",
        )
    flat = keras.Sequential([keras.Input(shape=(784,)), keras.layers.Dense(10, activation="softmax")])
    digit, probabilities = call("predict_digit", lesson.predict_digit, flat, x[0])
    expect(
        np.allclose(probabilities, flat.predict(x[:1].reshape(1, 784), verbose=0)[0], atol=1e-4),
        "predict_digit",
        "the same answer from a model that takes flat 784-value rows",
        describe(probabilities),
        "reshape the batch to (n, *model.input_shape[1:])",
    )


@pytest.fixture(scope="module")
def scores_only():
    """A model whose last layer has no softmax: it answers with raw scores (logits)."""
    keras.utils.set_random_seed(1)
    return keras.Sequential([keras.Input(shape=(28, 28)), keras.layers.Flatten(), keras.layers.Dense(10)])


def softmax(scores):
    scores = np.asarray(scores, dtype=np.float64)
    exp = np.exp(scores - scores.max(axis=-1, keepdims=True))
    return exp / exp.sum(axis=-1, keepdims=True)


def test_predict_digit_turns_scores_into_probabilities(lesson, scores_only, small_test, drawn):
    x, _ = small_test
    noise = drawn.random((28, 28), dtype=np.float32)  # random pixels drawn for this run
    for image, what in ((x[1], "a test image"), (noise, "an image of random pixels drawn for this run")):
        scores = scores_only.predict(image[np.newaxis], verbose=0)[0]
        wanted = softmax(scores)
        digit, probabilities = call("predict_digit", lesson.predict_digit, scores_only, image)
        probabilities = np.asarray(probabilities, dtype=float)
        expect(
            probabilities.shape == (10,) and np.allclose(probabilities, wanted, atol=1e-4)
            and digit == int(np.argmax(wanted)),
            "predict_digit",
            f"for {what}, from a model without a final softmax (scores {rounded(scores, 2)}): "
            f"probabilities that sum to 1, {rounded(wanted, 2)}",
            f"{rounded(probabilities, 2)}, summing to {probabilities.sum():.2f}"
            if probabilities.shape == (10,) else describe(probabilities),
            "scores that are not probabilities (some negative, or not summing to 1) go through a "
            "softmax: np.exp(scores - scores.max(axis=1, keepdims=True)), then divide each row by its sum",
        )


# --- explain_figure -------------------------------------------------------------------------


def test_explain_figure_shows_stages_input_and_probabilities(lesson, reference, drawn):
    grey = paper_photo(drawn_mask(3, 200, seed=6), lighting=0.4)
    image = reference("07").preprocess_digit(grey)
    probabilities = np.array([0.01, 0.01, 0.02, 0.8, 0.02, 0.1, 0.01, 0.01, 0.01, 0.01])
    means = np.random.default_rng(0).random((10, 28, 28)).astype(np.float32)
    figure = call("explain_figure", lesson.explain_figure, grey, image, probabilities, means)
    expect(
        isinstance(figure, Figure),
        "explain_figure",
        "a matplotlib Figure",
        type_name(figure),
        "figure = plt.figure(...); ...; return figure",
    )
    pictures = [ax for ax in figure.axes if ax.images]
    bars = [ax for ax in figure.axes if len(ax.patches) >= 10]
    shows_a_mean = any(
        np.asarray(shown.get_array()).shape == (28, 28)
        and any(np.allclose(np.asarray(shown.get_array(), dtype=np.float32), mean) for mean in means)
        for ax in pictures for shown in ax.images
    )
    expect(
        len(pictures) >= 6,
        "explain_figure",
        "at least 6 pictures: 4 stages, the 28x28 input, the average MNIST digit",
        f"{len(pictures)} axes with an image"
        + (", none of them an average MNIST digit" if not shows_a_mean else ""),
        "mnist_means was given, but axes['mean'] stays empty: show the average MNIST digit of the "
        "prediction there, axes['mean'].imshow(mnist_means[digit], cmap='gray') with "
        "digit = int(np.argmax(probabilities))"
        if len(pictures) == 5 and not shows_a_mean
        else "call preprocess_digit(grey, stages=stages) with an empty dict, then show_stages(axes, stages); "
        "imshow the input and mnist_means[digit] in axes['input'] and axes['mean']",
    )
    expect(
        len(bars) == 1 and len(bars[0].patches) == 10
        and bars[0].get_xlabel() == "digit" and bars[0].get_ylabel() == "probability",
        "explain_figure",
        "one bar chart of ten bars, x axis 'digit', y axis 'probability'",
        f"{len(bars)} bar charts"
        + (f" with labels {bars[0].get_xlabel()!r}, {bars[0].get_ylabel()!r}" if bars else ""),
        "axes['bars'].bar(range(10), probabilities); set_xlabel('digit'); set_ylabel('probability')",
    )
    shown = [np.asarray(ax.images[0].get_array()) for ax in pictures]
    expect(
        any(a.shape == np.shape(image) and np.allclose(a, image) for a in shown),
        "explain_figure",
        "the 28x28 input the model read (the `image` argument) in axes['input']",
        "no picture equal to `image`"
        + ("; the photo itself (`grey`) is shown instead" if any(a.shape == grey.shape for a in shown) else ""),
        "axes['input'].imshow(image, cmap='gray'): the model never sees the photo, only the 28x28 "
        "image preprocess_digit made from it",
    )
    expect(
        any(a.shape == (28, 28) and np.allclose(a, means[3]) for a in shown),
        "explain_figure",
        "the average MNIST 3 (mnist_means[3]) beside the input, 3 being the prediction",
        "no picture equal to mnist_means[3]",
        "digit = int(np.argmax(probabilities)); axes['mean'].imshow(mnist_means[digit], cmap='gray')",
    )
    plt.close(figure)
    digit = int(drawn.choice([d for d in range(10) if d != 3]))  # a prediction drawn for this run, not 3
    probabilities = drawn.dirichlet(np.ones(10))
    probabilities[digit] += 1
    probabilities /= probabilities.sum()
    figure = call("explain_figure", lesson.explain_figure, grey, image, probabilities, means)
    shown = [np.asarray(ax.images[0].get_array()) for ax in getattr(figure, "axes", []) if ax.images]
    heights = [bar.get_height() for ax in getattr(figure, "axes", []) if len(ax.patches) >= 10 for bar in ax.patches]
    expect(
        any(a.shape == (28, 28) and np.allclose(a, means[digit]) for a in shown),
        "explain_figure",
        f"the average MNIST {digit} (mnist_means[{digit}]) beside the input, for a prediction drawn "
        f"for this run ({digit} at {probabilities[digit]:.0%})",
        "the average MNIST 3 again" if any(a.shape == (28, 28) and np.allclose(a, means[3]) for a in shown)
        else f"no picture equal to mnist_means[{digit}]",
        "show the mean of the digit the model predicts: digit = int(np.argmax(probabilities)), "
        "then mnist_means[digit]",
    )
    expect(
        len(heights) == 10 and np.allclose(heights, probabilities),
        "explain_figure",
        f"ten bars as high as the probabilities you are given, {rounded(probabilities, 2)}",
        f"bars {rounded(heights, 2)}",
        "axes['bars'].bar(range(10), probabilities)",
    )
    plt.close(figure)


def test_explain_figure_without_mnist_means(lesson, reference):
    grey = paper_photo(drawn_mask(3, 200, seed=6), lighting=0.4)
    image = reference("07").preprocess_digit(grey)
    probabilities = np.array([0.01, 0.01, 0.02, 0.8, 0.02, 0.1, 0.01, 0.01, 0.01, 0.01])
    try:
        figure = call("explain_figure", lesson.explain_figure, grey, image, probabilities)
    except TypeError as error:
        raise CheckFailure(
            "explain_figure", "a figure when mnist_means is not given (it is optional: None)",
            f"TypeError: {str(error)[:160]}",
            "mnist_means is None unless the caller has the averages: only show "
            "mnist_means[digit] when mnist_means is not None") from None
    expect(
        isinstance(figure, Figure),
        "explain_figure",
        "a matplotlib Figure when mnist_means is not given",
        type_name(figure),
        "return the figure whether or not mnist_means is given",
    )
    pictures = [ax for ax in figure.axes if ax.images]
    bars = [ax for ax in figure.axes if len(ax.patches) >= 10]
    expect(
        len(pictures) >= 5 and len(bars) == 1,
        "explain_figure",
        "the 4 stages, the 28x28 input and the bar chart, without mnist_means",
        f"{len(pictures)} pictures and {len(bars)} bar charts",
        "draw everything else as usual; skip only the average digit when mnist_means is None",
    )
    plt.close(figure)
