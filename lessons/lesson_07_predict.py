"""Lesson 07 · Predict your own digit.

Your model reads MNIST digits at 98%. Photograph a digit you wrote on paper, shrink the
photo to 28x28 and it will likely get it wrong, because an MNIST digit was made in a
particular way and your photo was not:

- white ink on black, not dark ink on light paper;
- only the digit: no paper edges, shadows or specks;
- size-normalised: the digit fitted into a 20x20 box keeping its aspect ratio (a "1"
  stays thin), anti-aliased, then placed in a 28x28 frame so that its centre of mass
  sits at the centre;
- strokes about a tenth of the digit's size thick, whatever pen the writer used.

This lesson turns a real picture into that, one small step at a time. You write each
step and check it on its own: `read_image` (what to put behind a transparent canvas),
`white_on_black`, `even_out_lighting`, `separate_ink`, `keep_digit`, `crop_to_ink`,
`fit_in_box`, `centre_by_mass`; then `preprocess_digit` chains them, `predict_digit`
asks the model, and `explain_figure` shows every step so you can see why it answered
what it did. `mnist-course predict photo.jpg` runs them all.

A few judgement calls inside the steps (which way round the ink is, the paper's
brightness under a shadow, which blob is the digit, the stroke width) are course code in
`mnist_course/pictures/digit_tools.py`, and opening a file safely is
`mnist_course/pictures/image_files.py`: read them, you do not write them. The guide explains
each one.
"""

import cv2
import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np

from mnist_course.pictures.digit_tools import (
    edge_bands,
    find_blobs,
    ink_is_dark,
    match_stroke_width,
    noise_level,
    paper_level,
    working_copy,
)
from mnist_course.pictures.image_files import open_picture
from mnist_course.pictures.stage_figure import show_stages

BOX = 20  # MNIST fits each digit into a 20x20 box...
FRAME = 28  # ...inside a 28x28 frame
MIN_CONTRAST = 20  # grey levels: fainter than this is paper texture, not ink
INK_FLOOR = 0.3  # a pixel under 30% of the ink's contrast is a blurred halo, not ink
NEAR_SIZE = 0.03  # a piece smaller than 3% of the digit's main stroke is a speck
LAYOUT = [["picture", "ink", "mask", "digit"], ["input", "mean", "bars", "bars"]]


def read_image(path):
    """Read an image file as a 2-D uint8 greyscale array (0 black .. 255 white).

    The course's `open_picture(path)` does the file handling (missing or broken files,
    formats, sideways phone photos, 16-bit pictures, huge photos) and gives you two
    float32 arrays of the picture's shape: `grey`, 0..255, and `alpha`, the opacity,
    0 (transparent) .. 1 (opaque), all ones when the file has no transparency.

    Your part: a drawing app's export has its strokes on a transparent canvas, and the
    colour stored under transparent pixels is usually black. Put the picture on a
    backdrop instead, `grey * alpha + backdrop * (1 - alpha)`: a white backdrop (255)
    when the strokes are dark (their average grey, weighted by alpha, below 128), a black
    one (0) when they are light, so the strokes always stand out. Round to uint8.

    Args:
        path: a `str` or `pathlib.Path` to the image file.

    Returns:
        A 2-D uint8 `numpy` array of shape (height, width).

    Raises:
        FileNotFoundError, ValueError: from `open_picture`, one line naming the file.

    Example:
        >>> grey = read_image("examples/three-transparent-canvas.png")
        >>> grey.dtype, grey.shape, int(grey[0, 0])   # the corner: canvas, now white
        (dtype('uint8'), (400, 400), 255)
    """
    raise NotImplementedError(
        'Lesson 07 · Predict your own digit · read_image() is not implemented yet: write it in lessons/lesson_07_predict.py (its docstring is the spec; guide: docs/lessons/07-predict.md; a nudge: mnist-course hint 07 read_image)'
    )


def white_on_black(picture):
    """Make the ink white on a black background, as in MNIST.

    The course's `ink_is_dark(picture)` tells which way round the picture is: True for
    dark ink on light paper (then turn it over: 255 - picture), False for light ink on a
    dark board or screen (then keep it as it is).

    Args:
        picture: 2-D array of grey levels 0..255 (uint8 or float).

    Returns:
        A float32 array of the same shape, 0..255, the ink bright.

    Example:
        >>> white_on_black(np.array([[250, 20]], np.uint8))   # paper, ink
        array([[  5., 235.]], dtype=float32)
    """
    raise NotImplementedError(
        'Lesson 07 · Predict your own digit · white_on_black() is not implemented yet: write it in lessons/lesson_07_predict.py (its docstring is the spec; guide: docs/lessons/07-predict.md; a nudge: mnist-course hint 07 white_on_black)'
    )


def even_out_lighting(ink):
    """Keep only the ink: remove the paper's level, shadows and light gradients included.

    The course's `paper_level(ink)` estimates, for every pixel, how bright the paper
    would be there without ink (an array of `ink`'s shape). Subtract it. Then, because
    light multiplies, divide by the room the ink had to stand out, `255 - paper` (at
    least 16): in a shadow the ink is fainter too, and this puts shade and sun on one
    scale. Multiply by 255 to stay in grey levels, and clip what falls below 0.

    Args:
        ink: 2-D float array, white ink on black (from `white_on_black`), 0..255.

    Returns:
        A float32 array of the same shape: about 0 on the paper, large on the ink,
        never negative.

    Example:
        >>> signal = even_out_lighting(white_on_black(picture))
        >>> float(signal.min()) >= 0.0
        True
    """
    raise NotImplementedError(
        'Lesson 07 · Predict your own digit · even_out_lighting() is not implemented yet: write it in lessons/lesson_07_predict.py (its docstring is the spec; guide: docs/lessons/07-predict.md; a nudge: mnist-course hint 07 even_out_lighting)'
    )


def separate_ink(signal):
    """Decide, pixel by pixel, ink or paper: a 2-D bool mask, True on the ink.

    1. The ink's contrast is the 99.99th percentile of `signal`, its brightest ink (a
       small digit on a whole page covers less than 0.1% of the picture: the 99.9th
       percentile would be paper). When it is under `MIN_CONTRAST` (20) or under 6 times
       the paper's grain (`noise_level(signal)`, course code), nothing stands out: raise
       `ValueError("no digit found in the image")`.
    2. Scale `signal` so the contrast becomes 255, clip to 0..255, make it uint8.
    3. Threshold with Otsu's method (`cv2.threshold` with `cv2.THRESH_OTSU` picks the
       level from the picture's own histogram), but never below 30% of 255
       (`INK_FLOOR`): a blurred stroke's halo is not ink.

    Args:
        signal: 2-D float array from `even_out_lighting`.

    Returns:
        A bool array of the same shape.

    Raises:
        ValueError: "no digit found in the image" when no ink stands out.

    Example:
        >>> separate_ink(np.array([[0, 0, 200, 190], [0, 5, 180, 0]], np.float32))
        array([[False, False,  True,  True],
               [False, False,  True, False]])
    """
    raise NotImplementedError(
        'Lesson 07 · Predict your own digit · separate_ink() is not implemented yet: write it in lessons/lesson_07_predict.py (its docstring is the spec; guide: docs/lessons/07-predict.md; a nudge: mnist-course hint 07 separate_ink)'
    )


def keep_digit(mask):
    """Keep the digit, drop everything else: specks, stray marks, a neighbour's digit.

    The course's `find_blobs(mask)` lists the groups of touching ink that could belong
    to a digit (specks, paper edges and ruled paper's lines already left out), each a
    `Blob` with `.area`, `.score` (big and central scores high) and `.pixels` (a bool
    mask of the whole picture, True on it). `blob.near(group)` says whether a blob is close to a list of
    blobs (within a quarter of their size).

    1. No blob at all: raise `ValueError("no digit found in the image")`.
    2. The digit's main stroke is the blob with the highest score.
    3. A digit can come in pieces (a 5's flag, a 4 written in two strokes): add every
       other blob that is near the digit so far and at least 3% of the main stroke's
       area (`NEAR_SIZE`); repeat until no blob joins (a piece can bring another within
       reach).
    4. Return the union of the kept blobs' pixels.

    Args:
        mask: 2-D bool array from `separate_ink`.

    Returns:
        A bool array of the same shape, True on the digit only.

    Raises:
        ValueError: "no digit found in the image" when there is no blob.
    """
    raise NotImplementedError(
        'Lesson 07 · Predict your own digit · keep_digit() is not implemented yet: write it in lessons/lesson_07_predict.py (its docstring is the spec; guide: docs/lessons/07-predict.md; a nudge: mnist-course hint 07 keep_digit)'
    )


def crop_to_ink(digit):
    """Cut the picture down to the digit's bounding box: the smallest rectangle holding
    every True pixel, edges included.

    Args:
        digit: 2-D bool array (from `keep_digit`), with at least one True pixel.

    Returns:
        The rectangle of `digit` (same dtype) from the first to the last row, and from
        the first to the last column, that hold a True pixel.

    Example:
        >>> crop_to_ink(np.array([[0, 0, 0], [0, 1, 1], [0, 0, 0]], bool))
        array([[ True,  True]])
    """
    raise NotImplementedError(
        'Lesson 07 · Predict your own digit · crop_to_ink() is not implemented yet: write it in lessons/lesson_07_predict.py (its docstring is the spec; guide: docs/lessons/07-predict.md; a nudge: mnist-course hint 07 crop_to_ink)'
    )


def fit_in_box(crop):
    """Scale the cropped digit so its longer side is 20 pixels, keeping its shape.

    Both sides are multiplied by the same factor, 20 / (the longer side), and rounded
    (at least 1), so a thin "1" stays thin. `cv2.resize` with `cv2.INTER_AREA` averages
    the sharp mask into soft grey edges: MNIST's anti-aliasing. Careful: `cv2.resize`
    takes the new size as (width, height).

    Args:
        crop: 2-D array (bool or numbers 0..1), the digit cropped to its ink.

    Returns:
        A float32 array, values 0..1, of shape (20, w) for a tall digit or (h, 20) for a
        wide one.

    Example:
        >>> fit_in_box(np.ones((100, 40), bool)).shape
        (20, 8)
    """
    raise NotImplementedError(
        'Lesson 07 · Predict your own digit · fit_in_box() is not implemented yet: write it in lessons/lesson_07_predict.py (its docstring is the spec; guide: docs/lessons/07-predict.md; a nudge: mnist-course hint 07 fit_in_box)'
    )


def centre_by_mass(boxed):
    """Place the boxed digit in a black 28x28 frame with its centre of mass at the centre.

    1. Paste `boxed` in the middle of a 28x28 float32 frame of zeros (top = (28 - h) // 2,
       left = (28 - w) // 2).
    2. Find the frame's centre of mass: `m = cv2.moments(frame)` gives
       `x = m["m10"] / m["m00"]` (across) and `y = m["m01"] / m["m00"]` (down).
    3. Move the image by (14 - x, 14 - y) with `cv2.warpAffine` and the matrix
       `[[1, 0, 14 - x], [0, 1, 14 - y]]` (float32), output size (28, 28).
    4. Clip to 0..1.

    Args:
        boxed: 2-D float array from `fit_in_box`, at most 20x20, values 0..1.

    Returns:
        A float32 array of shape (28, 28), values 0..1, its centre of mass at (14, 14)
        (x, y), exactly but for ink the frame's edge cuts off: the shift is not rounded
        to whole pixels (warpAffine moves an image by fractions of one).
    """
    raise NotImplementedError(
        'Lesson 07 · Predict your own digit · centre_by_mass() is not implemented yet: write it in lessons/lesson_07_predict.py (its docstring is the spec; guide: docs/lessons/07-predict.md; a nudge: mnist-course hint 07 centre_by_mass)'
    )


def preprocess_digit(grey, stages=None):
    """Turn a picture of one handwritten digit into a 28x28 image that looks like MNIST.

    Chain the steps, in this order, each on the result of the one before:

    1. `working_copy(grey)` (course code): every picture at one size, lightly smoothed;
    2. `white_on_black`, 3. `even_out_lighting`, 4. `separate_ink`;
    5. `edge_bands(mask)` (course code): when it finds a paper or table edge along the
       border (any True pixel), set the signal to 0 there and `separate_ink` again, so
       the edge cannot set the ink's contrast;
    6. `keep_digit`, 7. `crop_to_ink`;
    8. `match_stroke_width(crop)` (course code): MNIST's stroke thickness;
    9. `fit_in_box`, 10. `centre_by_mass`.

    Args:
        grey: 2-D uint8 array from `read_image` (any size from 8x8 up).
        stages: optional dict; when given, fill it with the intermediate images for
            `explain_figure`: "picture" (the working copy), "ink" (the signal from
            `even_out_lighting`), "mask" and "digit" (bool masks).

    Returns:
        A float32 array of shape (28, 28), values in [0, 1], the digit white on black.

    Raises:
        ValueError: from the steps: "no digit found in the image" for a blank page; a
            message saying so when the image is smaller than 8x8.

    Example:
        >>> image = preprocess_digit(read_image("examples/two-blue-ballpoint.png"))
        >>> image.shape, image.dtype, float(image.max()) <= 1.0
        ((28, 28), dtype('float32'), True)
    """
    raise NotImplementedError(
        'Lesson 07 · Predict your own digit · preprocess_digit() is not implemented yet: write it in lessons/lesson_07_predict.py (its docstring is the spec; guide: docs/lessons/07-predict.md; a nudge: mnist-course hint 07 preprocess_digit)'
    )


def predict_digit(model, image):
    """Ask the model which digit an image (or a batch of images) shows.

    Args:
        model: a trained Keras model with ten outputs, whose input is (28, 28),
            (28, 28, 1) or (784,) per image (`model.input_shape` tells which).
        image: one image of shape (28, 28), float32 in [0, 1] (from `preprocess_digit`),
            or a batch of n such images, shape (n, 28, 28).

    Returns:
        For one image: `(digit, probabilities)`, a Python `int` 0..9 and a float array of
        shape (10,) that sums to 1, `digit` being its largest entry.
        For a batch: `(digits, probabilities)`, an int array of shape (n,) and a float
        array of shape (n, 10), each row summing to 1. Scores that are not already
        probabilities (a model without a final softmax) are passed through a softmax.

    Example:
        >>> digit, probabilities = predict_digit(model, image)
        >>> digit, round(float(probabilities.sum()), 3)
        (7, 1.0)
    """
    raise NotImplementedError(
        'Lesson 07 · Predict your own digit · predict_digit() is not implemented yet: write it in lessons/lesson_07_predict.py (its docstring is the spec; guide: docs/lessons/07-predict.md; a nudge: mnist-course hint 07 predict_digit)'
    )


def explain_figure(grey, image, probabilities, mnist_means=None):
    """Show how a picture became the model's input, and what the model made of it.

    `plt.subplot_mosaic(LAYOUT, figsize=(12, 6.4), layout="constrained")` gives a figure and a dict of axes
    named after `LAYOUT`: the top row for the stages of `preprocess_digit` (the course's
    `show_stages(axes, stages)` draws them), the bottom row for what the model saw and
    said: "input", "mean" and "bars".

    Args:
        grey: the 2-D uint8 picture from `read_image`.
        image: the (28, 28) result of `preprocess_digit(grey)`.
        probabilities: the model's ten probabilities for `image`.
        mnist_means: optional (10, 28, 28) array, the average MNIST training image of each
            digit; when given, the average of the predicted digit is shown beside yours.

    Returns:
        A matplotlib Figure with the stages (collected by calling
        `preprocess_digit(grey, stages=stages)` with an empty dict), the 28x28 input, the
        average MNIST digit for the prediction (`mnist_means[digit]`, when given), and a
        bar chart of the ten probabilities (x axis "digit", y axis "probability").
    """
    raise NotImplementedError(
        'Lesson 07 · Predict your own digit · explain_figure() is not implemented yet: write it in lessons/lesson_07_predict.py (its docstring is the spec; guide: docs/lessons/07-predict.md; a nudge: mnist-course hint 07 explain_figure)'
    )
