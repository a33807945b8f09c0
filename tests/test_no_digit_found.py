"""Issue 24.2: every picture of one digit gets a reading, and "no digit found" says why.

A big digit drawn edge to edge (a thick marker 0 that touches the top and the bottom over a
third of their length) used to be taken for a paper or table edge and blanked: "no digit
found" for two real drawings of ../shared/digits2. An edge stays near the border; a digit
reaches into the picture. And when there really is no digit, the line says what the
picture looked like to the course (`digit_tools.how_it_looked`).
"""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from conftest import ROOT, overlap

from mnist_course.pictures import digit_tools
from mnist_course.course import load_lesson
from mnist_course.pictures.photos import Conditions, drawn_mask, photograph
from mnist_course.training.predict import looked_like


@pytest.fixture(scope="module")
def lesson():
    return load_lesson(ROOT / "solutions", "07")


def edge_to_edge_zero(width=710, height=600, thickness=90):
    """A thick 0 on white, its ring cut by the top and the bottom of the picture."""
    grey = np.full((height, width), 255, np.uint8)
    cv2.ellipse(grey, (width // 2, height // 2), (width // 3, height // 2 + thickness // 3), 0, 0, 360, 60, thickness)
    return grey


def test_a_digit_drawn_edge_to_edge_is_not_a_paper_edge(lesson):
    grey = edge_to_edge_zero()
    signal = lesson.even_out_lighting(lesson.white_on_black(digit_tools.working_copy(grey)))
    mask = lesson.separate_ink(signal)
    count, labels = cv2.connectedComponents(mask.astype(np.uint8), connectivity=8)
    assert digit_tools._border_contact(labels, count).max() > digit_tools.EDGE_CONTACT  # it runs along a side...
    assert not digit_tools.edge_bands(mask).any()  # ...but it is no edge
    assert len(digit_tools.find_blobs(mask)) == 1
    image = lesson.preprocess_digit(grey)
    assert image.shape == (28, 28) and image.max() > 0.9
    ring = image.copy()
    assert ring[14, 14] < 0.1 and ring[14, 3:11].max() > 0.5 and ring[14, 17:25].max() > 0.5  # a hole, two sides


def test_a_table_edge_is_still_an_edge():
    picture = np.full((300, 240), 230, np.uint8)
    picture[:, 200:] = 30  # a dark table along the right side
    cv2.putText(picture, "3", (70, 200), cv2.FONT_HERSHEY_SIMPLEX, 5, 20, 12)
    ink = 255.0 - digit_tools.working_copy(picture)
    mask = ink - digit_tools.paper_level(ink) > 60
    bands = digit_tools.edge_bands(mask)
    assert bands[:, -20:].mean() > 0.9 and not bands[:, :200].any()


def blank_photo():
    blank = photograph(np.zeros((10, 10), np.uint8), Conditions(
        canvas=(300, 240), lighting=0.4, texture=4, noise=4, jpeg_quality=60), seed=2)
    return cv2.cvtColor(blank, cv2.COLOR_RGB2GRAY)


def dot():
    grey = np.full((200, 200), 240, np.uint8)
    grey[100:102, 100:102] = 20
    return grey


def faint_circle():
    grey = np.full((200, 200), 240, np.uint8)
    cv2.circle(grey, (100, 100), 50, 226, 3)
    return grey


@pytest.mark.parametrize(("case", "make", "says"), [
    ("a white page", lambda: np.full((120, 90), 250, np.uint8), "one flat white: its grey levels span only 0 of 255"),
    ("an all-black picture", lambda: np.zeros((200, 160), np.uint8), "one flat black"),
    ("a blank photo in uneven light", blank_photo, "scattered in 352 patches like the paper's grain"),
    ("one dot", dot, "the ink covers 0.02% of the picture, in specks too small for a digit"),
    ("a circle too faint for ink", faint_circle, "nothing stands out from the paper by more than"),
])  # fmt: skip
def test_no_digit_found_says_what_the_picture_looked_like(lesson, case, make, says):
    grey = make()
    with pytest.raises(ValueError, match="no digit found"):
        lesson.preprocess_digit(grey)
    line = digit_tools.how_it_looked(grey)
    assert says in line, (case, line)
    assert "\n" not in line and len(line) < 200
    assert looked_like(grey) == f" (to the course, {line})"


def test_a_drawn_digit_is_described_as_ink_when_asked():
    grey = 255 - cv2.resize(drawn_mask(4, 200, seed=3), (200, 200))
    assert digit_tools.how_it_looked(grey).startswith("it looks like dark ink on light paper; the ink covers ")


def test_a_description_that_fails_leaves_the_message_alone():
    assert looked_like(np.zeros((3, 3), np.uint8)) == ""  # too small for working_copy: no line, no error


@pytest.mark.parametrize("edge", [0.01, 0.03])
def test_a_shadows_edge_across_the_page_is_not_ink(lesson, edge):
    # A probe's photos of a digit with a phone's shadow across the page (its edge soft over 1%
    # of the picture) read 1 of 10 right: the paper's level, worked out on a 48-pixel thumbnail
    # and blurred, lagged behind the shadow's edge, and the band along it was joined to the digit.
    height, width = 900, 1200
    paper = np.full((height, width), 225, np.uint8)
    cv2.putText(paper, "4", (420, 640), cv2.FONT_HERSHEY_SIMPLEX, 14, 40, 40)
    rows, cols = np.mgrid[0:height, 0:width]
    shade = cv2.GaussianBlur(np.where(cols + 0.6 * rows > 0.9 * width, 0.45, 1.0).astype(np.float32),
                             (0, 0), width * edge)
    alone = lesson.preprocess_digit(paper.astype(np.uint8))
    shaded = lesson.preprocess_digit((paper * shade).astype(np.uint8))
    assert overlap(alone, shaded) > 0.8, overlap(alone, shaded)


def shadowed(grey: np.ndarray, *, slope: float, at: float, depth: float, edge: float) -> np.ndarray:
    """`grey` with a shadow `depth` deep right of a line at `at` of the width, leaning by `slope`;
    its edge blurred over `edge` of the width (0: sharp)."""
    height, width = grey.shape
    rows, cols = np.mgrid[0:height, 0:width]
    shade = np.where(cols + slope * (rows - height / 2) > at * width, depth, 1.0).astype(np.float32)
    if edge:
        shade = cv2.GaussianBlur(shade, (0, 0), width * edge)
    return (grey.astype(np.float32) * shade).astype(np.uint8)


def photo(digit: int | None, seed: int) -> np.ndarray:
    """A photographed 900x1200 page in greys, blank or with a drawn `digit` 35% of it tall."""
    conditions = Conditions(canvas=(900, 1200), digit_fraction=0.35, texture=2, noise=3, jpeg_quality=85)
    mask = np.zeros((10, 10), np.uint8) if digit is None else drawn_mask(digit, 300, seed=seed)
    return cv2.cvtColor(photograph(mask, conditions, seed=seed), cv2.COLOR_RGB2GRAY)


@pytest.mark.parametrize("edge", [0.0, 0.002, 0.005])
@pytest.mark.parametrize("seed", [0, 1])
def test_a_sharp_shadow_across_a_blank_page_is_no_digit(lesson, edge, seed):
    # The strip along a sharp shadow's edge, where the paper's level (worked out on a blurred
    # thumbnail) lagged behind the shadow, stood out as ink and was read as a 1.
    blank = shadowed(photo(None, seed), slope=0.0, at=0.6, depth=0.6, edge=edge)
    with pytest.raises(ValueError, match="no digit found"):
        lesson.preprocess_digit(blank)


def test_a_digit_beside_a_sharp_shadow_reads_as_on_a_plain_page(lesson):
    plain = photo(0, 20)
    beside = shadowed(plain, slope=-0.35, at=0.715, depth=0.44, edge=0.0)
    shared = overlap(lesson.preprocess_digit(plain), lesson.preprocess_digit(beside))
    assert shared > 0.6, shared


@pytest.mark.parametrize("lit", [0.3, 0.45])
def test_paper_lit_beside_a_shadow_over_most_of_the_picture_is_paper_not_ink(lesson, lit):
    # With a shadow over most of the page, its level was the picture's median and the lit
    # paper the far tail: a fine, faint digit was taken for light ink on a dark ground.
    conditions = Conditions(canvas=(900, 1200), digit_fraction=0.3, centre=(0.15, 0.5), texture=2, noise=3,
                            jpeg_quality=85, ink_strength=0.35)  # fmt: skip
    plain = cv2.cvtColor(photograph(drawn_mask(7, 300, weight=0.1, seed=1), conditions, seed=1), cv2.COLOR_RGB2GRAY)
    picture = shadowed(plain, slope=0.0, at=lit, depth=0.5, edge=0.0)
    assert digit_tools.ink_is_dark(digit_tools.working_copy(picture))
    seen, expected = lesson.preprocess_digit(picture), lesson.preprocess_digit(plain)
    assert overlap(seen, expected) > 0.6
    assert not digit_tools.ink_is_dark(digit_tools.working_copy(255 - photo(3, 5)))  # chalk on a board stays light ink


def page_photo(digit: int, fraction: float, seed: int) -> np.ndarray:
    """A drawn `digit` `fraction` of a 3000x2250 photographed page tall, in greys."""
    conditions = Conditions(canvas=(3000, 2250), digit_fraction=fraction, texture=3, noise=3,
                            jpeg_quality=85, lighting=0.2)
    mask = drawn_mask(digit, int(3000 * fraction), seed=seed)
    return cv2.cvtColor(photograph(mask, conditions, seed=seed), cv2.COLOR_RGB2GRAY)


@pytest.mark.parametrize(("digit", "seed"), [(7, 0), (4, 1), (2, 2)])
def test_a_small_digit_on_a_whole_page_is_read(lesson, digit, seed):
    # A probe photographed whole pages with a digit a centimetre tall (3% of the page's height)
    # and 17 of 20 came back "no digit found": the digit's ink covered about 0.03% of the
    # picture, so the 99.9th percentile that set the ink's contrast was the paper's grain.
    small = lesson.preprocess_digit(page_photo(digit, 0.03, seed))
    large = lesson.preprocess_digit(page_photo(digit, 0.5, seed))
    assert overlap(small, large) > 0.45, overlap(small, large)


@pytest.mark.parametrize("seed", range(6))
def test_a_grainy_blank_page_is_no_digit(lesson, seed):
    # Coarse, JPEG-blocky paper without ink: its brightest 0.01% stands out from its grain, and
    # the ink it leaves is scattered in over a hundred patches (526 real digits: at most 9).
    blank = photograph(np.zeros((10, 10), np.uint8), Conditions(
        canvas=(600, 450), lighting=0.2, texture=6, noise=8, jpeg_quality=40), seed=seed)
    grey = cv2.cvtColor(blank, cv2.COLOR_RGB2GRAY)
    with pytest.raises(ValueError, match="no digit found"):
        lesson.preprocess_digit(grey)
    line = digit_tools.how_it_looked(grey)
    assert "\n" not in line and len(line) < 200, line
    if seed == 4:  # the page the grain rule refuses (the others: too little ink, or edges only)
        assert "patches like the paper's grain" in line, line
