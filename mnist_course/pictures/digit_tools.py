"""The harder judgement calls of lesson 07's preprocessing: course code to read, not write.

Lesson 07 turns a photo into an MNIST-like digit in small steps the learner writes. A few
decisions inside those steps are heuristics tuned on many photos rather than ideas to
practise; they live here, and the lesson calls them:

- `working_copy`: every picture at one working size, so sizes and thresholds mean the
  same thing for a thumbnail and a 12-megapixel photo;
- `ink_is_dark`: is this dark ink on light paper, or light on dark?
- `paper_level`: the paper's brightness everywhere, shadows and gradients included;
- `noise_level`: how grainy the paper is, to tell faint ink from grain;
- `edge_bands`: a paper or table edge running along the picture's border;
- `ruled_lines`: the printed lines of ruled or squared paper, to erase before looking for the digit;
- `find_blobs`: the groups of ink that could be (part of) the digit, each with a score;
- `match_stroke_width`: thicken a fine pen or thin a marker to MNIST's stroke width;
- `how_it_looked`: when no digit was found, one line on what the picture looked like.

Each takes and returns plain NumPy arrays (or, for `find_blobs`, a list of `Blob`s).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import cv2
import numpy as np

WORK_SIDE = 400  # every picture is worked on at this size (its longer side)
MIN_SIDE = 8
STROKE = 0.10  # MNIST strokes are about a tenth of the digit's longer side thick
# 0.08, 0.09, 0.11 and 0.12 read the same real digits within two pictures, both models (2026-12-02).
# MNIST's median stroke is 2.2 pixels of the 28x28 frame (2,000 test digits, 2 * area / perimeter),
# the real digits' views' 2.0; matched to it (0.11), the MLP seeds 0-2 read +1 / 0 / 0 of the tuning
# half and -1 each of the held-out half (2026-12-06).
# The paper's level is worked out on a thumbnail this size (longer side), blurred by a twentieth
# of the kernel: 48 pixels blurred by a sixth blurred a shadow's sharp edge into a band of "ink"
# along it, joined to the digit. A probe's ten digits under a phone's shadow (edge soft over 1%
# of the picture) read 1 of 10 with either model, now 7 (MLP) and 9 (CNN); a shadow across a
# corner 2 of 10, now 8 and 9; the bench's real digits read as before, both halves, both models.
# Extending the thumbnail past its borders before the opening got every one of them right, but
# then a table edge along a side became paper too, which edge_bands is there to find. A shadow
# with a sharp edge (under 1% of the picture) across a blank page was read as a digit: the
# strip along its edge (now the full-size opening follows it; 30 drawn digits beside such a
# shadow read as on a plain page 29 times, now 30; the real digits read as before).
PAPER_SIDE = 96
# The ink's contrast, as lesson 07's separate_ink takes it: the 99.99th percentile of the signal.
# A digit a thirtieth of a photographed page tall covers about 0.03% of the picture, so the 99.9th
# was paper and such a page came back "no digit found" (17 of 20 of them; now none).
BRIGHTEST_INK = 99.99
# More groups of ink than this is the paper's grain or a texture, not a digit: the 526 real digits
# give at most 9; a blank page of coarse, JPEG-blocky paper 126 to 201 once the brightest 0.01%
# set the contrast (and 155 to 167 for the few the 99.9th percentile let through).
GRAIN_BLOBS = 40
# A speck: under 0.02% of the picture, or under 2% of its longer side across both ways (8 pixels
# of 400). A dot of a pen passed the first test once the brightest 0.01% set the ink's contrast,
# and was read as a digit; a digit a thirtieth of the page tall spans 12 pixels or more.
SPECK_AREA, SPECK_SPAN = 0.0002, 0.02
# Ruled or squared paper: at least three parallel straight lines (within 20 degrees of the picture's
# sides) whose ink covers 60% of the way across and is thinner than 3% of the shorter side. Dark
# lines and a margin line join into one grid with the digit, which outscored a thin 1: 5 of 40
# rendered pages were misread (tilted up to 8 degrees, 0 after erasing them).
RULED_LINES, RULED_REACH, RULED_THICKNESS = 3, 0.6, 0.03
# A pen lying beside the digit: a straight bar (its hull PEN_FILL of its rectangle, PEN_ASPECT times
# longer than wide), longer and thicker than the digit's strokes. Bigger than the digit, it outscored
# it: 90 drawn digits with a pen beside them (plain, shiny, running off the picture) read as on a
# plain page 21 times, now 90; no real digit has one (tests/test_pens.py).
PEN_FILL, PEN_ASPECT = 0.8, 6
# Grey levels: a picture whose median is darker than this is a dark ground (a board, a drawing
# app's dark mode, an MNIST image), even when a quarter of it is light: a fat digit can be, and a
# tight crop of a marker 1 is mostly ink (median 40). Lighter, a light quarter is paper beside a
# shadow or on a grey desk (20 photos of a note on a desk of grey 40-110: the paper was taken for
# the ink in all 20, then in the 6 on desks darker than this, which sheet_of_paper now tells).
DARK_MODE = 80
# A sheet of paper on a darker desk (sheet_of_paper): a light blob over SHEET_SHARE of the
# picture, its outline a polygon of at most SHEET_CORNERS corners that fills SHEET_FILL of its
# convex hull, no longer than SHEET_RAGGED times that polygon (a fading light's edge is ragged:
# 1.34 on a rendered page, where sheets on desks measure 1.00-1.06), with dark marks inside
# covering a share of it within SHEET_MARKS. 40 MNIST digits on a note on a desk of grey 30-60,
# straight, turned or cut by the border, read 0-5 right, now 39-40 as on the note alone; 15,000
# other pictures keep their polarity (tests/test_desk.py).
SHEET_SHARE, SHEET_CORNERS, SHEET_RAGGED, SHEET_FILL, SHEET_MARKS = 0.1, 6, 1.15, 0.95, (0.002, 0.2)
# A blank note (sheet_of_paper) on a desk of grey 30-160 was read as a digit, itself
# or the desk around it; now "no digit found". It must be no longer than SHEET_ASPECT times its
# width (A4 is 1.41): a bar of a 1 drawn in dark mode is solid and has no marks either.
SHEET_ASPECT = 2.0
DESK_STEP = 40  # grey levels: a border this much darker than the paper is a desk (desk_around)...
DESK_SHARP = 0.75  # ...when the desk starts right at the sheet's edge, a share of that step at once
EDGE_CONTACT = 0.25  # a blob along more than a quarter of one side is a paper or table edge...
EDGE_DEPTH = 0.12  # ...when it also stays near the border: a digit reaches into the picture


def working_copy(grey) -> np.ndarray:
    """`grey` (2-D, any size from 8x8) resized to 400 px on its longer side, lightly smoothed.

    Returns a float32 array, 0..255. Raises ValueError for an array that is not 2-D or is
    smaller than 8x8. The smoothing (a Gaussian of 1 px) takes the edge off JPEG blocks and
    sensor noise.
    """
    grey = np.asarray(grey)
    if grey.ndim != 2:
        raise ValueError(f"expected a 2-D greyscale image, got an array of shape {grey.shape}")
    height, width = grey.shape
    if min(height, width) < MIN_SIDE:
        raise ValueError(f"the image is only {width}x{height} pixels: too small to hold a digit")
    scale = WORK_SIDE / max(height, width)
    size = (max(MIN_SIDE, round(width * scale)), max(MIN_SIDE, round(height * scale)))
    shrink = cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC
    work = cv2.resize(grey.astype(np.float32), size, interpolation=shrink)
    return cv2.GaussianBlur(work, (0, 0), 1.0)


def ink_is_dark(picture) -> bool:
    """True for dark ink on light paper, False for light ink on a dark ground.

    Paper is the bulk of the picture (its median); ink is the far tail on one side of it.
    When both tails are alike (uneven light, a shadow or a dark table edge stretch the
    paper's range too), bet on what photos of handwriting usually are: dark ink on paper,
    unless the picture is dark as a whole (a board, a dark-mode drawing app, an MNIST image).
    A light tail that covers a quarter of a mid-grey picture (median over `DARK_MODE`) is
    paper beside a shadow or on a grey desk: strokes cover far less. On a darker desk, the
    light part is paper when it has a sheet's shape (`sheet_of_paper`).
    """
    picture = np.asarray(picture, dtype=np.float32)
    sample = picture[::2, ::2]
    low, middle, high = np.percentile(sample, [0.2, 50, 99.8])
    dark_tail, light_tail = middle - low, high - middle
    light = sample > (middle + high) / 2
    lit = np.mean(light)
    if light_tail > 1.5 * dark_tail and lit > 0.25 and middle > DARK_MODE:
        return True  # a quarter of the picture far lighter than the rest is paper, not ink
    if light_tail > dark_tail and lit > SHEET_SHARE and sheet_of_paper(light) is not None:
        return True  # a note on a dark desk: its paper is the light part, its digit dark ink
    if dark_tail > 1.5 * light_tail or light_tail > 1.5 * dark_tail:
        return bool(dark_tail > light_tail)
    return bool(middle > DARK_MODE)


def sheet_of_paper(light) -> np.ndarray | None:
    """The largest light blob of a mask, filled (uint8 0/1), when it is a sheet of paper, with
    marks on it or blank (see below); None when it is not.

    A sheet has straight sides (its outline is a polygon of a few corners, the picture's
    border may cut it, and follows it closely: where the light fades across a page, the
    outline of its lighter part is ragged) and no dent (it fills its convex hull); it is solid
    but for a few dark marks inside it, the writing. A fat stroke is not: a 1 has no marks
    inside, and a 0, 6, 8 or 9 drawn with a wide brush is rounded, its loop a hole.
    A blank sheet counts too, when the whole of it is in the picture (a lit strip of a page
    beside a shadow runs off it, and the digit may be in the shadow) and it is shaped as paper
    is cut, no longer than `SHEET_ASPECT` times its width (a fat 1 is).
    """
    light = np.asarray(light, dtype=np.uint8)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(light, connectivity=8)
    if count < 2:
        return None
    biggest = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
    if stats[biggest, cv2.CC_STAT_AREA] < SHEET_SHARE * light.size:
        return None
    blob = (labels == biggest).astype(np.uint8)
    contours, _ = cv2.findContours(blob, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    outline = max(contours, key=cv2.contourArea)
    filled = cv2.drawContours(np.zeros_like(blob), [outline], -1, 1, thickness=cv2.FILLED)
    marks = 1.0 - float(blob.sum()) / float(filled.sum())  # the dark pixels inside its outline
    length = cv2.arcLength(outline, True)
    corners = cv2.approxPolyDP(outline, 0.02 * length, True)
    straight = length <= SHEET_RAGGED * cv2.arcLength(corners, True)  # not where light fades
    solid = cv2.contourArea(outline) >= SHEET_FILL * cv2.contourArea(cv2.convexHull(outline))
    if len(corners) > SHEET_CORNERS or not straight or not solid or marks >= SHEET_MARKS[1]:
        return None
    if marks > SHEET_MARKS[0]:
        return filled
    left, top, width, height = stats[biggest, :4]
    inside = left > 0 and top > 0 and left + width < light.shape[1] and top + height < light.shape[0]
    short, long = sorted(cv2.minAreaRect(outline)[1])
    return filled if inside and 0 < long <= SHEET_ASPECT * short else None


def desk_around(ink) -> np.ndarray | None:
    """Where white-on-black `ink` shows a desk around a sheet of paper (bool, `ink`'s shape), or
    None when the paper fills the picture, as it usually does.

    A desk shows along the picture's border, brighter (in ink) than the paper by `DESK_STEP`.
    The paper's level cannot be measured there (the opening of `paper_level` keeps a strip of
    desk narrower than a third of the picture as if it were ink, and a small digit loses to it),
    and nothing there is the digit: the paper's level is the desk itself.
    """
    border = np.concatenate([ink[0], ink[-1], ink[:, 0], ink[:, -1]])
    small = ink[::2, ::2]
    paper, desk = float(np.percentile(small, 5)), float(np.median(border))
    if desk - paper < DESK_STEP:
        return None
    # The ink is dark already (ink_is_dark): the sheet may be blank, or its digit too faint to
    # count, and the desk is still no digit.
    sheet = sheet_of_paper(small < (paper + desk) / 2)
    if sheet is None:
        return None
    # A sheet's edge is a step: just outside it is the desk. Where a page's light fades, just
    # outside its lighter part is a page barely darker, and its digit may be there.
    rim = cv2.dilate(sheet, np.ones((7, 7), np.uint8)) > cv2.dilate(sheet, np.ones((3, 3), np.uint8))
    if not rim.any() or np.median(small[rim]) < paper + DESK_SHARP * (desk - paper):
        return None
    sheet = cv2.resize(sheet, ink.shape[::-1], interpolation=cv2.INTER_NEAREST)
    return cv2.dilate(1 - sheet, np.ones((5, 5), np.uint8)) > 0  # and the sheet's blurred rim


def paper_level(ink) -> np.ndarray:
    """The paper's level under white-on-black `ink`, everywhere: an array of `ink`'s shape.

    A grey-level opening with a kernel a third of the picture wipes out every stroke
    (strokes are thinner than that) and keeps the slowly varying paper, shadows included.
    Lighting has little fine detail, so this works on a thumbnail (`PAPER_SIDE`), then
    smooths it lightly and enlarges it back; where a shadow's edge is sharper than that,
    the same opening at full size follows it.
    """
    ink = np.asarray(ink, dtype=np.float32)
    height, width = ink.shape
    f = PAPER_SIDE / max(height, width)
    thumb = cv2.resize(ink, (max(3, round(width * f)), max(3, round(height * f))), interpolation=cv2.INTER_AREA)
    paper, k = _strokes_wiped(thumb)
    smooth = cv2.resize(cv2.GaussianBlur(paper, (0, 0), k / 20), (width, height), interpolation=cv2.INTER_LINEAR)
    # The smoothing blurs a shadow's sharp edge, and the strip where it lags behind the shadow
    # would stand out as ink (on a blank page, as the digit). The same opening at full size
    # keeps the edge sharp: the paper is the darker (in ink, higher) of the two.
    paper = np.maximum(smooth, _strokes_wiped(ink)[0])
    desk = desk_around(ink)
    return paper if desk is None else np.where(desk, np.maximum(paper, ink), paper)


def _strokes_wiped(ink) -> tuple[np.ndarray, int]:
    """`ink` opened with a square a third of its longer side (odd, at least 3), and the square's side."""
    k = max(3, int(max(ink.shape) * 0.34) | 1)
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (k, k))
    return cv2.morphologyEx(ink, cv2.MORPH_OPEN, kernel, borderType=cv2.BORDER_REPLICATE), k


def noise_level(signal) -> float:
    """The paper's grain in `signal` (ink minus paper), in grey levels.

    Most pixels are paper: the spread of the lower half of the values is the noise (for a
    normal distribution, median minus 10th percentile is 1.28 standard deviations).
    """
    p10, p50 = np.percentile(np.asarray(signal)[::2, ::2], [10, 50])
    return float(p50 - p10) / 1.28


def edge_bands(mask) -> np.ndarray:
    """Where ink runs along the picture's border: a paper or table edge, not a stroke.

    A stroke only crosses the border; an edge runs along it, often darker than the ink
    itself. Returns a bool array of `mask`'s shape, True on (and just around) every group
    of ink that is an edge (see `_edges`); all False when there is none.
    """
    mask = np.asarray(mask).astype(np.uint8)
    count, labels = cv2.connectedComponents(mask, connectivity=8)
    edges = np.flatnonzero(_edges(labels, count)) + 1
    if len(edges) == 0:
        return np.zeros(mask.shape, dtype=bool)
    band = cv2.dilate(np.isin(labels, edges).astype(np.uint8), np.ones((5, 5), np.uint8))
    return band > 0


def _edges(labels, count) -> np.ndarray:
    """Per blob (labels 1..count-1), True for a paper or table edge.

    An edge runs along more than a quarter of one side (`EDGE_CONTACT`) and stays near the
    border: its pixels lie, on average, within 12% of the picture's size from it
    (`EDGE_DEPTH`). A big, thick digit that fills the picture can touch a side over a
    third of its length too (a marker 0 drawn edge to edge), but its strokes reach into
    the middle: on average 14-24% of the way in, where a table edge, a shadowed border or
    the grain along a blank page's edges stays under 10%.
    """
    if count <= 1:
        return np.zeros(0, dtype=bool)
    contact = _border_contact(labels, count)
    height, width = labels.shape
    rows = np.arange(height, dtype=np.float64)
    cols = np.arange(width, dtype=np.float64)
    depth = np.minimum(np.minimum(rows, height - 1 - rows)[:, None] / height,
                       np.minimum(cols, width - 1 - cols)[None, :] / width)  # fmt: skip
    area = np.bincount(labels.ravel(), minlength=count)[1:]
    mean_depth = np.bincount(labels.ravel(), weights=depth.ravel(), minlength=count)[1:] / np.maximum(area, 1)
    return (contact > EDGE_CONTACT) & (mean_depth < EDGE_DEPTH)


def _border_contact(labels, count) -> np.ndarray:
    """Per blob (labels 1..count-1), the largest share of one side of the picture it runs along."""
    height, width = labels.shape
    contact = np.zeros(count - 1)
    for edge, length in ((labels[0], width), (labels[-1], width), (labels[:, 0], height), (labels[:, -1], height)):
        contact = np.maximum(contact, np.bincount(edge, minlength=count)[1:] / length)
    return contact


@dataclass(eq=False)
class Blob:
    """One group of touching ink pixels that may be (part of) the digit.

    `left`, `top`, `right`, `bottom` bound it (right and bottom exclusive); `score` says
    how much it looks like the digit: big and central scores high, touching the border
    counts against it. `pixels` is a bool array of the whole mask's shape, True on it.
    """

    area: int
    left: int
    top: int
    right: int
    bottom: int
    score: float
    _labels: np.ndarray = field(repr=False)
    _label: int = field(repr=False)

    @property
    def pixels(self) -> np.ndarray:
        return self._labels == self._label

    def near(self, group: list[Blob]) -> bool:
        """True when this blob is within a quarter of `group`'s size of `group`'s outline.

        How a 5's detached flag or a 4 written in two strokes is found to belong to the digit.
        """
        left, top = min(b.left for b in group), min(b.top for b in group)
        right, bottom = max(b.right for b in group), max(b.bottom for b in group)
        gap = 0.25 * max(right - left, bottom - top)
        return (self.left < right + gap and self.right > left - gap
                and self.top < bottom + gap and self.bottom > top - gap)  # fmt: skip


def find_blobs(mask) -> list[Blob]:
    """The groups of touching ink in `mask` (2-D, True or nonzero = ink) that could be a digit.

    The printed lines of ruled or squared paper are erased first (`erase_ruled_lines`).
    Left out: specks (`SPECK_AREA`, `SPECK_SPAN`: a dot, dust), paper or table edges
    (running along more than a quarter of a side and staying near it, see `edge_bands`)
    and straight lines from one side to the other (a lone ruled line, a fold, a margin
    line) when there is anything else or, thin as printed lines are, on ruled paper; and
    a pen lying beside the digit (`_pens`). An empty list when nothing is left, or when
    more than `GRAIN_BLOBS` (40) groups are left: ink scattered all over the picture is
    the paper's grain, not a digit.
    """
    families = ruled_lines(mask)
    mask = erase_ruled_lines(mask, families).astype(np.uint8)
    height, width = mask.shape
    count, labels, stats, centres = cv2.connectedComponentsWithStats(mask, connectivity=8)
    if count <= 1:
        return []
    area = stats[1:, cv2.CC_STAT_AREA].astype(np.float64)
    x0, y0 = stats[1:, cv2.CC_STAT_LEFT], stats[1:, cv2.CC_STAT_TOP]
    x1, y1 = x0 + stats[1:, cv2.CC_STAT_WIDTH], y0 + stats[1:, cv2.CC_STAT_HEIGHT]
    span = np.maximum(x1 - x0, y1 - y0)
    speck = (area < SPECK_AREA * height * width) | (span < SPECK_SPAN * max(height, width))
    candidate = ~_edges(labels, count) & ~speck
    if np.count_nonzero(candidate) > GRAIN_BLOBS:
        return []
    # A straight line from one side to the other: within a fifth of the picture the other way,
    # or, when tilted further (a photo taken askew), thinner than a printed line all along.
    thin = area < RULED_THICKNESS * min(height, width) * np.hypot(x1 - x0, y1 - y0)
    across = (((x0 == 0) & (x1 == width) & ((y1 - y0 < 0.2 * height) | thin & (y1 - y0 < x1 - x0)))
              | ((y0 == 0) & (y1 == height) & ((x1 - x0 < 0.2 * width) | thin & (x1 - x0 < y1 - y0))))  # fmt: skip
    if np.count_nonzero(candidate) > 1:
        candidate &= ~across
    elif families:
        candidate &= ~(across & thin)  # a margin line on a blank ruled page
    dx, dy = centres[1:, 0] / width - 0.5, centres[1:, 1] / height - 0.5
    if np.count_nonzero(candidate) > 1:
        candidate &= ~_pens(labels, area, span, np.hypot(dx, dy), candidate)
    touches = (x0 == 0) | (y0 == 0) | (x1 == width) | (y1 == height)
    score = area * np.exp(-(dx**2 + dy**2) / (2 * 0.3**2)) * np.where(touches, 0.5, 1.0)
    return [
        Blob(int(area[i]), int(x0[i]), int(y0[i]), int(x1[i]), int(y1[i]), float(score[i]), labels, i + 1)
        for i in np.flatnonzero(candidate)
    ]


def _pens(labels, area, span, off_centre, candidate) -> np.ndarray:
    """Per blob, True for a pen (or pencil) lying on the page beside the digit.

    A pen is a straight bar: its outline's convex hull fills `PEN_FILL` of its tightest
    rectangle, which is `PEN_ASPECT` times longer than wide (a shiny pen's highlight may
    cut it into an outline: its hull is still the bar). It lies beside another candidate
    that is nearer the middle (`off_centre`, each blob's distance from it) and is longer
    than that one by half and thicker than its strokes by a fifth. A 1 is a bar too, but
    it is the thing in the middle, and its flag or foot is drawn with the same pen.
    """
    which = np.flatnonzero(candidate)
    stroke, length, width, hull = {}, {}, {}, {}
    for i in which:
        outlines, _ = cv2.findContours((labels == i + 1).astype(np.uint8), cv2.RETR_LIST, cv2.CHAIN_APPROX_NONE)
        stroke[i] = 2.0 * area[i] / max(sum(cv2.arcLength(c, True) for c in outlines), 1.0)
        points = np.vstack(outlines).reshape(-1, 2).astype(np.float32)
        _, sides, _ = cv2.minAreaRect(points)
        length[i], width[i] = max(sides), max(min(sides), 1.0)
        hull[i] = cv2.contourArea(cv2.convexHull(points))
    pens = np.zeros(len(area), dtype=bool)
    for i in which:
        if hull[i] >= PEN_FILL * length[i] * width[i] and length[i] >= PEN_ASPECT * width[i]:
            pens[i] = any(off_centre[j] < off_centre[i] and length[i] > 1.5 * span[j] and width[i] > 1.2 * stroke[j]
                          for j in which if j != i)  # fmt: skip
    return pens


def ruled_lines(mask) -> list[tuple[bool, np.ndarray, int]]:
    """The printed lines of ruled or squared paper in `mask` (2-D, nonzero = ink), by family.

    A family is at least `RULED_LINES` (3) parallel straight lines within 20 degrees of
    the picture's rows (or columns), each thin (`RULED_THICKNESS`) and inked over most of
    the way across (`RULED_REACH`), as printed lines are and a digit's strokes are not.
    Returns one `(across, band, width)` per family: `across` True for lines along the rows,
    `band` a bool array of `mask`'s shape, True on and just around the family's lines,
    `width` the band's greatest thickness in pixels.
    """
    mask = np.asarray(mask).astype(np.uint8)
    height, width = mask.shape
    shorter = min(height, width)
    thickest = int(RULED_THICKNESS * shorter)
    families = []
    for across in (True, False):
        # Only ink that is thin across the lines' way can be a printed line: looking for lines
        # in it alone leaves the digit's thick strokes out, and takes a few milliseconds.
        along = np.ones((2 * thickest + 1, 1) if across else (1, 2 * thickest + 1), np.uint8)
        thin = mask & ~cv2.morphologyEx(mask, cv2.MORPH_OPEN, along)
        if np.count_nonzero(thin) < RULED_LINES * RULED_REACH * shorter or \
                np.mean(thin.any(axis=0 if across else 1)) < RULED_REACH:
            continue  # not enough of it for three lines across, or it does not reach across
        found = cv2.HoughLinesP(thin * 255, 1, np.pi / 180, threshold=int(0.3 * shorter),
                                minLineLength=0.5 * shorter, maxLineGap=max(2, int(0.02 * max(height, width))))  # fmt: skip
        if found is None:
            continue
        x0, y0, x1, y1 = found.reshape(-1, 4).astype(np.float64).T
        slope = (np.degrees(np.arctan2(y1 - y0, x1 - x0)) + 90) % 180 - 90  # 0 along the rows
        near = np.abs(slope) < 20 if across else np.abs(slope) > 70
        if np.count_nonzero(near) < RULED_LINES:
            continue
        theta = math.radians(float(np.median(slope[near] if across else slope[near] % 180)))
        band, lines, band_width = _lines_at(mask, theta, thickest)
        if lines >= RULED_LINES:
            families.append((across, band, band_width))
    return families


def _lines_at(mask, theta: float, thickest: int) -> tuple[np.ndarray, int, int]:
    """The straight lines at angle `theta` (radians) across `mask`: inked over `RULED_REACH`
    of their way and at most `thickest` pixels thick. Returns a bool array True on them
    and a pixel either side, how many there are, and the thickest one's band in pixels."""
    rows, cols = np.indices(mask.shape)
    # how far each pixel lies across the lines' way: the pixels of one line share a value
    offset = np.round(rows * math.cos(theta) - cols * math.sin(theta)).astype(int)
    offset -= offset.min()
    # a line one pixel thick has about one pixel per column (per row, for lines down the page)
    ink = np.bincount(offset[mask > 0], minlength=offset.max() + 1)
    room = np.bincount(offset.ravel(), minlength=offset.max() + 1)
    inked = np.flatnonzero((ink >= RULED_REACH * room) & (room >= 0.5 * min(mask.shape)))
    band = np.zeros(mask.shape, bool)
    lines = band_width = 0
    for run in np.split(inked, np.flatnonzero(np.diff(inked) > 1) + 1):
        if 0 < len(run) <= thickest:  # thicker: a marker's stroke, not a printed line
            band |= (offset >= run[0] - 1) & (offset <= run[-1] + 1)
            lines, band_width = lines + 1, max(band_width, len(run) + 2)
    return band, lines, band_width


def erase_ruled_lines(mask, families=None) -> np.ndarray:
    """`mask` (2-D, nonzero = ink) as a bool array without ruled or squared paper's lines.

    `families` is what `ruled_lines(mask)` found, when it is known already. Where a stroke
    crossed a printed line, the gap the erasing left is filled again: a pixel of a line is
    kept when the stroke's ink reaches it from both sides.
    """
    mask = np.asarray(mask).astype(bool)
    kept = mask.copy()
    families = ruled_lines(mask) if families is None else families
    for _, band, _ in families:
        kept &= ~band
    for across, band, width in families:
        reach = 2 * width + 3  # a line drawn `width` thick covers a pixel or two more
        kernel = np.ones((reach, 1) if across else (1, reach), np.uint8)
        bridged = cv2.morphologyEx(kept.astype(np.uint8), cv2.MORPH_CLOSE, kernel).astype(bool)
        kept |= bridged & band & mask
    return kept


def match_stroke_width(crop) -> np.ndarray:
    """The cropped digit mask (2-D, nonzero = ink) with MNIST's stroke width, cropped again.

    Stroke width is about 2 * area / perimeter for a long thin shape; MNIST's is about a
    tenth of the digit's longer side. A fine pen is thickened (dilated); a marker is thinned
    (eroded), gently, so loops stay closed. Returns a uint8 0/1 array cropped to the ink.
    """
    crop = (np.asarray(crop) > 0).astype(np.uint8)
    side = max(crop.shape)
    contours, _ = cv2.findContours(crop, cv2.RETR_LIST, cv2.CHAIN_APPROX_NONE)
    perimeter = sum(cv2.arcLength(contour, True) for contour in contours)
    stroke = 2.0 * float(crop.sum()) / max(perimeter, 1.0)
    target = STROKE * side
    margin = side // 10 + 2
    crop = cv2.copyMakeBorder(crop, margin, margin, margin, margin, cv2.BORDER_CONSTANT, value=0)
    if stroke < 0.8 * target:  # a thin pen: thicken
        radius = int(round((target - stroke) / 2))
        if radius >= 1:
            crop = cv2.dilate(crop, _disk(radius))
    elif stroke > 1.5 * target:  # a marker: thin, gently, so loops stay closed
        radius = int(round((stroke - target) * 0.3))
        if radius >= 1:
            thinner = cv2.erode(crop, _disk(radius))
            if thinner.sum() > 0.3 * crop.sum():
                crop = thinner
    rows, cols = np.nonzero(crop)
    return crop[rows.min(): rows.max() + 1, cols.min(): cols.max() + 1]


FLAT = 8  # grey levels: a picture whose levels span less than this is one flat colour
FAINT = 20  # grey levels: ink that stands out by less than this is paper texture (lesson 07)


def how_it_looked(grey) -> str:
    """What a picture in which no digit was found looked like to the course, in one line.

    Said after "no digit found in the image", so the learner knows what to change: one
    flat colour, ink too faint for the paper's grain, too little ink ("the ink covers
    0.01% of the picture"), marks only along the border (a paper or table edge), only the
    printed lines of ruled paper, or only specks. Measured with the course's own tools, the
    way lesson 07's steps use them, never with the learner's code, so the line holds even
    when their code is wrong.
    """
    picture = working_copy(grey)
    low, high = float(picture.min()), float(picture.max())
    if high - low < FLAT:
        shade = "white" if low > 200 else "black" if high < 55 else "grey"
        return f"the picture is one flat {shade}: its grey levels span only {high - low:.0f} of 255"
    ink = 255.0 - picture if ink_is_dark(picture) else picture
    way = "dark ink on light paper" if ink is not picture else "light ink on a dark ground"
    paper = paper_level(ink)
    signal = np.clip((ink - paper) / np.maximum(255.0 - paper, 16.0) * 255.0, 0, None)
    need = max(FAINT, 6 * noise_level(signal))
    if np.percentile(signal, BRIGHTEST_INK) < need:
        standing = signal >= need
        if not standing.any():
            return (f"it looks like {way}, but nothing stands out from the paper by more than "
                    f"{signal.max():.0f} grey levels (ink needs {need:.0f} here)")  # fmt: skip
        return f"it looks like {way}; the ink covers only {_share(standing)} of the picture"
    mask = _ink(signal)
    bands = edge_bands(mask)
    if bands.any():
        inside = np.where(bands, 0.0, signal)
        if np.percentile(inside, BRIGHTEST_INK) < max(FAINT, 6 * noise_level(inside)):
            return (f"it looks like {way}; its only clear marks run along the border (a paper or "
                    f"table edge, or a shadow), {_share(mask & bands)} of the picture")  # fmt: skip
        mask = _ink(inside)
    if not find_blobs(mask):
        if ruled_lines(mask):
            return (f"it looks like {way}; its only marks are the printed lines of ruled or squared "
                    f"paper, {_share(mask)} of the picture")  # fmt: skip
        patches = cv2.connectedComponents(mask.astype(np.uint8))[0] - 1
        if patches > GRAIN_BLOBS:
            return (f"it looks like {way}; the ink covers {_share(mask)} of the picture, scattered in "
                    f"{patches} patches like the paper's grain, with no shape that stands out")  # fmt: skip
        return f"it looks like {way}; the ink covers {_share(mask)} of the picture, in specks too small for a digit"
    return f"it looks like {way}; the ink covers {_share(mask)} of the picture"


def _ink(signal) -> np.ndarray:
    """Lesson 07's `separate_ink` once the contrast is known to be enough: Otsu, floored at 30%."""
    contrast = np.percentile(signal, BRIGHTEST_INK)
    scaled = np.clip(signal / contrast * 255.0, 0, 255).astype(np.uint8)
    otsu, _ = cv2.threshold(scaled, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    return scaled > max(otsu, 0.3 * 255)


def _share(mask) -> str:
    share = 100.0 * float(np.mean(mask))
    return f"{share:.1f}%" if share >= 0.1 or share == 0 else f"{share:.2g}%"


def _disk(radius: int) -> np.ndarray:
    return cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * radius + 1,) * 2)
