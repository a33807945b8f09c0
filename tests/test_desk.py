"""A note photographed on a desk: the paper is the light part, its digit the dark ink.

Where the desk was most of the picture and darker than `digit_tools.DARK_MODE`, the course
took the picture for light ink on a dark ground (a board, a drawing app's dark mode), read
the whole note as the digit, and answered anything: 4 of 40 MNIST digits on a note on a desk
of grey 30-60 were read right, 39 now (as on the plain page). A sheet of paper is told from a
fat stroke by its shape (`digit_tools.sheet_of_paper`): straight sides, no dent, a few dark
marks inside it. And the desk around it is no paper (`digit_tools.desk_around`): a strip of it
at the border was kept as ink and outscored a small digit.
"""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from conftest import ROOT, overlap

from mnist_course.course import load_lesson
from mnist_course.pictures import digit_tools
from mnist_course.pictures.photos import Conditions, drawn_mask, encode, mnist_mask, photograph


@pytest.fixture(scope="module")
def lesson():
    return load_lesson(ROOT / "solutions", "07")


def note(digit: int, seed: int) -> np.ndarray:
    """A photographed 900x700 note in greys, a drawn `digit` half of it tall."""
    conditions = Conditions(canvas=(900, 700), digit_fraction=0.5, texture=2, noise=3, jpeg_quality=85)
    return cv2.cvtColor(photograph(drawn_mask(digit, 450, seed=seed), conditions, seed=seed), cv2.COLOR_RGB2GRAY)


def on_desk(page: np.ndarray, desk: float, share: float, turn: float = 0.0, right: float = 0.0,
            seed: int = 0) -> np.ndarray:
    """`page` lying on a desk of grey `desk`, `share` of the picture, turned `turn` degrees and
    seen a little askew; `right` moves it that fraction of its width towards the right edge."""
    rng = np.random.default_rng(seed)
    height, width = page.shape
    frame_h, frame_w = height, int(width * 1.3)
    scale = (share * frame_h * frame_w / (height * width)) ** 0.5
    h, w = height * scale, width * scale
    corners = np.array([[-w / 2, -h / 2], [w / 2, -h / 2], [w / 2, h / 2], [-w / 2, h / 2]])
    corners *= 1 + rng.uniform(-0.06, 0.06, (4, 1))  # perspective: a phone held not quite flat
    angle = np.deg2rad(turn)
    turned = corners @ np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]]).T
    placed = (turned + [frame_w / 2 + right * w, frame_h / 2]).astype(np.float32)
    warp = cv2.getPerspectiveTransform(np.float32([[0, 0], [width, 0], [width, height], [0, height]]), placed)
    sheet = cv2.warpPerspective(page.astype(np.float32), warp, (frame_w, frame_h))
    inside = cv2.warpPerspective(np.ones_like(page, np.float32), warp, (frame_w, frame_h))
    wood = rng.normal(desk, 6, (frame_h, frame_w)) + np.linspace(-12, 12, frame_w)[None, :]  # light from one side
    return np.clip(wood * (1 - inside) + sheet * inside, 0, 255).astype(np.uint8)


@pytest.mark.parametrize(
    ("desk", "share", "turn", "right"),
    [(60, 0.3, 0, 0), (40, 0.2, 0, 0), (30, 0.4, 0, 0), (50, 0.3, 12, 0), (45, 0.35, -8, 0.4)],
    ids=["grey-60", "grey-40-small", "grey-30", "turned", "cut-by-the-border"],
)
@pytest.mark.parametrize(("digit", "seed"), [(4, 0), (8, 1), (2, 2)])
def test_a_note_on_a_dark_desk_is_read_as_on_its_own(lesson, desk, share, turn, right, digit, seed):
    page = note(digit, seed)
    photo = on_desk(page, desk, share, turn, right, seed)
    assert np.median(photo) < digit_tools.DARK_MODE  # the desk is most of the picture, and dark
    assert digit_tools.ink_is_dark(digit_tools.working_copy(photo))
    on_white = on_desk(page, 235, share, turn, right, seed)  # the same note, turned the same way
    assert overlap(lesson.preprocess_digit(photo), lesson.preprocess_digit(on_white)) > 0.6


@pytest.mark.parametrize("desk", [40, 100, 160])
@pytest.mark.parametrize(("digit", "seed"), [(3, 3), (7, 4)])
def test_a_small_digit_on_a_note_is_read_past_the_desk_around_it(lesson, desk, digit, seed):
    # Strips of desk above and below the note, narrower than a third of the picture, were
    # kept by paper_level's opening as ink, and the biggest "blob" was a strip: a digit 15% of
    # the note tall read right 5 times in 40 on a desk of grey 40, 28 on grey 100.
    conditions = Conditions(canvas=(900, 700), digit_fraction=0.15, texture=2, noise=3, jpeg_quality=85)
    page = cv2.cvtColor(photograph(drawn_mask(digit, 135, seed=seed), conditions, seed=seed), cv2.COLOR_RGB2GRAY)
    photo = on_desk(page, desk, 0.35, 10, 0, seed)
    on_white = on_desk(page, 235, 0.35, 10, 0, seed)
    ink = lesson.white_on_black(digit_tools.working_copy(photo))
    assert digit_tools.desk_around(ink) is not None
    assert overlap(lesson.preprocess_digit(photo), lesson.preprocess_digit(on_white)) > 0.6


def test_a_page_whose_light_fades_keeps_its_digit(lesson, tmp_path):
    # bench/own_digits.py's rendered photo 276: a page darker towards the bottom, where its 5
    # is, and a table's edge along the top. Most of its border was far darker than the top of
    # the page, and the lighter part of the page had four sides: taken for a sheet on a desk,
    # the page's lower half, digit and all, was wiped ("no digit found"). The lighter part's
    # edge is where the light fades: ragged, and just past it the page is barely darker.
    (_, _), (x_test, _) = load_lesson(ROOT / "solutions", "01").load_mnist()
    digit = x_test[np.random.default_rng(0).choice(len(x_test), 1000, replace=False)[276]]
    conditions = Conditions(
        canvas=(537, 419), digit_fraction=0.191, centre=(0.848, 0.530), rotation=2.91, perspective=0.0722,
        paper=(225, 229, 194), ink=(90, 90, 95), ink_strength=0.886, lighting=0.386, texture=0.93,
        blur=0.53, noise=5.91, table_edge=True)  # fmt: skip
    photo = photograph(mnist_mask(digit, 102, weight=0.969), conditions, seed=1702548741)
    (tmp_path / "page.jpg").write_bytes(encode(photo, ".jpg", jpeg_quality=77))
    grey = lesson.read_image(tmp_path / "page.jpg")
    assert digit_tools.desk_around(lesson.white_on_black(digit_tools.working_copy(grey))) is None
    assert lesson.preprocess_digit(grey).max() > 0.5


def test_a_note_on_a_grey_desk_is_paper_and_its_digit_dark_ink(lesson):
    # The desk around the note was most of the picture, so its median, and the note the
    # light "far tail": the note was taken for light ink on a dark ground.
    page = note(4, 7)
    desk = np.full((900, 1200), 100, np.uint8)
    desk[140:770, 300:790] = cv2.resize(page, (490, 630), interpolation=cv2.INTER_AREA)
    assert digit_tools.ink_is_dark(digit_tools.working_copy(desk))
    assert overlap(lesson.preprocess_digit(desk), lesson.preprocess_digit(page)) > 0.6


@pytest.mark.parametrize("digit", [0, 1, 4, 6, 8, 9])
@pytest.mark.parametrize("brush", [40, 70])
def test_a_fat_digit_drawn_in_dark_mode_is_still_light_ink(digit, brush):
    # A wide brush on a dark app's background: a light quarter of the picture, with a loop
    # that is a hole in it, but rounded, not a sheet with writing on it.
    stroke = cv2.copyMakeBorder((drawn_mask(digit, 300, seed=digit) > 0).astype(np.uint8), *[brush] * 4,
                                cv2.BORDER_CONSTANT, value=0)  # fmt: skip
    stroke = cv2.dilate(stroke, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (brush, brush)))
    drawing = np.full((stroke.shape[0] + 40, stroke.shape[1] + 40), 25, np.uint8)
    drawing[20:-20, 20:-20][stroke > 0] = 245
    assert not digit_tools.ink_is_dark(digit_tools.working_copy(drawing))


def test_a_wide_ring_drawn_in_dark_mode_is_still_light_ink():
    # A quarter of the picture light, on a dark app's background (darker than DARK_MODE).
    drawing = np.full((280, 280), 25, np.uint8)
    cv2.ellipse(drawing, (140, 140), (85, 115), 0, 0, 360, 245, 60)
    assert np.mean(drawing > 135) > 0.25
    assert not digit_tools.ink_is_dark(digit_tools.working_copy(drawing))


@pytest.mark.parametrize(("desk", "turn"), [(30, 0), (50, 12), (100, 0), (160, -8)])
def test_a_blank_note_on_a_desk_has_no_digit(lesson, desk, turn):
    # A note with nothing on it (or a digit too faint to count) is no sheet "with marks": on a
    # dark desk it was light ink, read as a digit; on a lighter one the desk around it was.
    conditions = Conditions(canvas=(900, 700), digit_fraction=0.5, texture=2, noise=3, jpeg_quality=85)
    blank = cv2.cvtColor(photograph(np.zeros((450, 450), np.uint8), conditions, seed=desk), cv2.COLOR_RGB2GRAY)
    with pytest.raises(ValueError, match="no digit found"):
        lesson.preprocess_digit(on_desk(blank, desk, 0.3, turn, 0, desk))


@pytest.mark.parametrize("width", [20, 60, 100])
def test_a_fat_bar_of_a_1_drawn_in_dark_mode_is_still_light_ink(lesson, width):
    # Solid and four-sided with no marks, as a blank note is, but longer than paper is cut
    # (digit_tools.SHEET_ASPECT): a bar as wide as half its height would be taken for a note.
    drawing = np.full((280, 280), 25, np.uint8)
    cv2.rectangle(drawing, (140 - width // 2, 30), (140 + width // 2, 250), 245, -1)
    assert not digit_tools.ink_is_dark(digit_tools.working_copy(drawing))
    assert lesson.preprocess_digit(drawing).max() > 0.5
