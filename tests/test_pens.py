"""A pen lying on the page beside the digit is not read as the digit.

A probe photographed digits with the pen that wrote them on the page: bigger than the digit,
the pen outscored it, and the model read the pen (1 of 10 right with the MLP). `find_blobs`
now leaves out a straight, solid bar lying beside a candidate nearer the middle when it is
longer than that one and thicker than its strokes (`digit_tools._pens`).
"""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from conftest import ROOT, same_reading

from mnist_course.course import load_lesson
from mnist_course.pictures import digit_tools
from mnist_course.pictures.photos import Conditions, drawn_mask, photograph


@pytest.fixture(scope="module")
def lesson():
    return load_lesson(ROOT / "solutions", "07")


def page(digit: int, seed: int, weight: float = 0.3) -> np.ndarray:
    """A photographed 900x1200 page (RGB) with a drawn `digit` 35% of it tall, in the middle."""
    conditions = Conditions(canvas=(900, 1200), digit_fraction=0.35, texture=2, noise=3, jpeg_quality=85)
    return photograph(drawn_mask(digit, 300, weight=weight, seed=seed), conditions, seed=seed)


def with_pen(picture: np.ndarray, *, at: float, angle: float, length: float = 0.7, thickness: float = 0.045,
             colour=(30, 30, 40), shine: bool = False) -> np.ndarray:
    """`picture` with a pen `length` of its width long lying across `at` of its height, as greys."""
    out = picture.copy()
    height, width = out.shape[:2]
    centre = (width * 0.5, height * at)
    cv2.fillConvexPoly(out, cv2.boxPoints((centre, (width * length, height * thickness), angle)).astype(np.int32),
                       colour, cv2.LINE_AA)  # fmt: skip
    if shine:  # the light along its body
        band = cv2.boxPoints(((centre[0], centre[1] - height * thickness * 0.15),
                              (width * length * 0.95, height * thickness * 0.2), angle))  # fmt: skip
        cv2.fillConvexPoly(out, band.astype(np.int32), (200, 200, 200), cv2.LINE_AA)
    return cv2.cvtColor(out, cv2.COLOR_RGB2GRAY)


@pytest.mark.parametrize(("digit", "at", "angle", "extra"), [
    (0, 0.12, 8, {}),
    (5, 0.88, -15, {"shine": True}),
    (8, 0.12, 20, {"length": 1.4}),  # longer than the picture: cut by its sides
    (3, 0.86, 5, {"colour": (20, 40, 140), "thickness": 0.06}),
    (1, 0.15, -10, {}),  # a 1 is a bar too: the pen is the longer, thicker one, off the middle
])  # fmt: skip
def test_a_pen_beside_the_digit_is_not_read(lesson, digit, at, angle, extra):
    plain = page(digit, digit)
    assert same_reading(lesson, plain, with_pen(plain, at=at, angle=angle, **extra)) > 0.6


def test_a_marker_one_beside_a_small_scribble_is_still_the_digit(lesson):
    # The bar in the middle is the digit, however thick: only a bar beside it can be a pen.
    plain = page(1, 1, weight=1.0)
    grey = cv2.cvtColor(plain, cv2.COLOR_RGB2GRAY)
    cv2.polylines(grey, [np.int32([[150, 150], [190, 170], [230, 150], [270, 170]])], False, 40, 3, cv2.LINE_AA)
    assert same_reading(lesson, plain, grey) > 0.8


PIECES = {  # digits written in separate strokes, as (x0, y0, x1, y1) lines on a 300x400 page
    "a 1 with a foot": [(150, 80, 150, 300), (110, 320, 190, 320)],
    "a 7 with its bar apart": [(90, 90, 210, 90), (200, 110, 130, 310)],
    "a 4 in two strokes": [(130, 80, 90, 220), (90, 220, 165, 220), (190, 120, 190, 320)],
    "a 5 with its flag apart": [(120, 90, 210, 90), (110, 110, 105, 190), (105, 190, 200, 250)],
    "a 1 with a long foot": [(150, 100, 150, 280), (80, 300, 220, 300)],
}


@pytest.mark.parametrize("thickness", [3, 12])
@pytest.mark.parametrize("case", PIECES)
def test_a_digits_own_pieces_are_never_a_pen(case, thickness):
    # A 1's foot, a 7's bar, a 4's second stroke, a 5's flag: bars drawn with the same pen,
    # which keep_digit must find to join them to the digit.
    mask = np.zeros((400, 300), np.uint8)
    for x0, y0, x1, y1 in PIECES[case]:
        cv2.line(mask, (x0, y0), (x1, y1), 1, thickness)
    pieces = cv2.connectedComponents(mask, connectivity=8)[0] - 1
    assert pieces >= 2
    assert len(digit_tools.find_blobs(mask)) == pieces
