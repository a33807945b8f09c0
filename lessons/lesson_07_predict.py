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

This lesson turns a real picture into that: read the file whatever its format
(`read_image`), find the ink and redraw the digit the MNIST way (`preprocess_digit`),
ask the model (`predict_digit`), and show every step so you can see why it answered what
it did (`explain_figure`). `mnist-course predict photo.jpg` runs all four.
"""

import warnings
from pathlib import Path

import cv2
import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_SIDE = 2000  # read_image shrinks bigger pictures: a digit needs far fewer pixels
WORK_SIDE = 400  # preprocess_digit works at this size, whatever the photo's size
BOX = 20  # MNIST fits each digit into a 20x20 box...
FRAME = 28  # ...inside a 28x28 frame
STROKE = 0.10  # MNIST strokes are about a tenth of the digit's longer side thick
MIN_CONTRAST = 20  # grey levels: fainter than this is paper texture, not ink


def read_image(path):
    """Read any image file as a 2-D uint8 greyscale array (0 black .. 255 white).

    Handles what people actually have: JPEGs from phones (turned upright according to
    their EXIF orientation tag), PNGs in colour, in 16-bit or with transparency.
    Transparent pixels are composited onto a backdrop, so that a drawing app's export
    (strokes on a transparent canvas) shows its strokes: onto white when the strokes are
    dark, onto black when they are light. Pictures larger than 2000 pixels on a side are
    shrunk while decoding (a digit needs far fewer), which keeps huge photos fast and
    small in memory.

    Args:
        path: a `str` or `pathlib.Path` to the image file.

    Returns:
        A 2-D uint8 `numpy` array of shape (height, width): luminance for colour images,
        16-bit values scaled to 0..255.

    Raises:
        FileNotFoundError: the file does not exist (the message names it).
        ValueError: the file cannot be read as an image: a folder, an empty file, a
            truncated file, or not an image at all (the message names the file).

    Example:
        >>> grey = read_image("examples/two-blue-ballpoint.png")
        >>> grey.dtype, grey.ndim
        (dtype('uint8'), 2)
    """
    raise NotImplementedError(
        'Lesson 07 · Predict your own digit · read_image() is not implemented yet: write it in lessons/lesson_07_predict.py (its docstring is the spec; guide: docs/lessons/07-predict.md; a nudge: mnist-course hint 07 read_image)'
    )


def preprocess_digit(grey, stages=None):
    """Turn a picture of one handwritten digit into a 28x28 image that looks like MNIST.

    Steps, each one a reason MNIST-trained models fail on raw photos:

    1. Decide the polarity (dark ink on light paper, or light on dark) and make the ink
       white on black.
    2. Even out the lighting: estimate the paper's brightness everywhere (shadows and
       gradients included) and keep only what differs from it (the ink).
    3. Separate ink from paper with a threshold, then keep the digit: the largest, most
       central group of ink, dropping specks, and paper or table edges along the border.
    4. Crop to the digit, bring its strokes to MNIST's thickness (about a tenth of its
       size), fit it into a 20x20 box keeping its aspect ratio, anti-aliased.
    5. Place it in a 28x28 frame with its centre of mass at the centre, as MNIST did.

    Args:
        grey: 2-D uint8 array from `read_image` (any size from 8x8 up).
        stages: optional dict; when given, it is filled with the intermediate images, in
            order ("picture", "ink", "mask", "digit": 2-D arrays), for `explain_figure`.

    Returns:
        A float32 array of shape (28, 28), values in [0, 1], the digit white (near 1) on
        a black (0) background, its longer side about 20 pixels, its centre of mass at
        pixel (14, 14) (x, y) within half a pixel.

    Raises:
        ValueError: "no digit found in the image" when there is no ink (a blank page, an
            all-black picture); a message saying so when the image is smaller than 8x8.

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

    Args:
        grey: the 2-D uint8 picture from `read_image`.
        image: the (28, 28) result of `preprocess_digit(grey)`.
        probabilities: the model's ten probabilities for `image`.
        mnist_means: optional (10, 28, 28) array, the average MNIST training image of each
            digit; when given, the average of the predicted digit is shown beside yours.

    Returns:
        A matplotlib Figure with, on top, the stages of `preprocess_digit` (the picture,
        the ink after evening out the light, the ink mask, the digit kept), and below,
        the 28x28 input, the average MNIST digit for the prediction (when `mnist_means`
        is given), and a bar chart of the ten probabilities with the predicted digit
        highlighted (x axis "digit", y axis "probability").
    """
    raise NotImplementedError(
        'Lesson 07 · Predict your own digit · explain_figure() is not implemented yet: write it in lessons/lesson_07_predict.py (its docstring is the spec; guide: docs/lessons/07-predict.md; a nudge: mnist-course hint 07 explain_figure)'
    )
