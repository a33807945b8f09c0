"""A digit written on ruled or squared paper is read as it would be on a plain page.

A probe's photos of digits on lined paper with a margin line read 7 of 10: where the printed
lines were dark enough to count as ink, the margin line joined every ruled line into one grid,
the digit's strokes joined it where they crossed a line, and the grid outscored a thin 1.
`digit_tools.find_blobs` now erases a family of three or more parallel lines across the
picture (`erase_ruled_lines`) and fills the gaps that leaves in the strokes that crossed them.
"""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from conftest import ROOT, same_reading

from mnist_course.course import load_lesson
from mnist_course.pictures import digit_tools
from mnist_course.pictures.photos import Conditions, drawn_mask, photograph

LINE, MARGIN = (90, 120, 190), (200, 40, 40)  # dark blue ruled lines, a red margin line


@pytest.fixture(scope="module")
def lesson():
    return load_lesson(ROOT / "solutions", "07")


def page(digit: int, seed: int, *, fraction: float = 0.4, weight: float = 0.3) -> np.ndarray:
    """A photographed plain 800x600 page (RGB) with a drawn `digit` `fraction` of it tall."""
    conditions = Conditions(canvas=(800, 600), digit_fraction=fraction, texture=2, noise=3,
                            lighting=0.2, jpeg_quality=85)  # fmt: skip
    return photograph(drawn_mask(digit, 320, weight=weight, seed=seed), conditions, seed=seed)


def ruled(picture: np.ndarray, *, tilt: float = 0.0, margin: bool = True, squared: bool = False,
          gap: int = 80, thickness: int = 4) -> np.ndarray:
    """`picture` with ruled lines every `gap` pixels, tilted `tilt` degrees, as greys."""
    out = picture.copy()
    height, width = out.shape[:2]
    drop = int(round(np.tan(np.radians(tilt)) * width))
    for y in range(gap // 3 - abs(drop), height + abs(drop), gap):
        cv2.line(out, (0, y), (width, y + drop), LINE, thickness, cv2.LINE_AA)
    if squared:
        for x in range(gap // 2 + abs(drop), width + abs(drop), gap):
            cv2.line(out, (x, 0), (x - drop, height), LINE, thickness, cv2.LINE_AA)
    if margin:
        cv2.line(out, (70, 0), (70 - drop, height), MARGIN, thickness + 2, cv2.LINE_AA)
    return cv2.cvtColor(out, cv2.COLOR_RGB2GRAY)


@pytest.mark.parametrize("tilt", [0.0, 4.0, -8.0])
@pytest.mark.parametrize(("digit", "seed"), [(1, 0), (7, 1), (4, 2)])
def test_a_digit_on_dark_ruled_paper_with_a_margin_line_is_read(lesson, digit, seed, tilt):
    plain = page(digit, seed)
    assert same_reading(lesson, plain, ruled(plain, tilt=tilt)) > 0.6


def test_a_small_thin_one_on_a_ruled_page_is_not_outscored_by_the_grid(lesson):
    plain = page(1, 3, fraction=0.15, weight=0.1)
    assert same_reading(lesson, plain, ruled(plain)) > 0.5


@pytest.mark.parametrize("tilt", [0.0, 5.0])
def test_a_digit_on_squared_paper_is_read(lesson, tilt):
    plain = page(2, 4)
    assert same_reading(lesson, plain, ruled(plain, tilt=tilt, squared=True, margin=False)) > 0.6


def test_a_stroke_that_crossed_a_line_is_whole_again(lesson):
    plain = page(1, 5, weight=0.2)
    grey = ruled(plain, gap=60)
    mask = lesson.separate_ink(lesson.even_out_lighting(lesson.white_on_black(digit_tools.working_copy(grey))))
    families = digit_tools.ruled_lines(mask)
    assert [across for across, _, _ in families] == [True]
    digit = lesson.keep_digit(mask)
    assert cv2.connectedComponents(digit.astype(np.uint8), connectivity=8)[0] - 1 == 1  # one piece, no gaps


def test_a_blank_ruled_page_is_no_digit(lesson):
    blank = photograph(np.zeros((10, 10), np.uint8), Conditions(canvas=(800, 600), texture=2, noise=3), seed=6)
    with pytest.raises(ValueError, match="no digit found"):
        lesson.preprocess_digit(ruled(blank))
    assert digit_tools.how_it_looked(ruled(blank)).startswith(
        "it looks like dark ink on light paper; its only marks are the printed lines of ruled or squared paper, ")


@pytest.mark.parametrize("weight", [0.05, 0.5, 1.0])
@pytest.mark.parametrize("digit", range(10))
def test_a_digits_own_strokes_are_never_taken_for_printed_lines(lesson, digit, weight):
    # Tight around the digit, from a fine pen to a marker: a 1 spans the picture, a 7's bar
    # and a 2's foot run along it, and none of them may be erased.
    mask = drawn_mask(digit, 300, weight=weight, seed=digit) > 0
    framed = np.pad(mask, 4)
    assert digit_tools.ruled_lines(framed) == []
    assert np.array_equal(digit_tools.erase_ruled_lines(framed), framed)
