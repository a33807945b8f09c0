"""Lesson 01 · Load the data.

MNIST is 70,000 greyscale pictures of handwritten digits, 28x28 pixels each, split into
60,000 for training and 10,000 for testing. Keras can download it for you
(`keras.datasets.mnist.load_data()`), but you will often work where there is no internet,
or want a copy you control. So `load_mnist` takes an optional path to a local `mnist.npz`
(or reads the `MNIST_PATH` environment variable).

Two helpers from the course do the heavy lifting, so you can focus on the choice:

- `read_mnist_file(path)` reads a local `mnist.npz` and checks it before trusting it (the
  four arrays, their shapes, dtype uint8, labels 0..9). A bad file raises `MnistFileError`,
  a `ValueError` whose message names the file and the fix.
- `download_mnist()` calls `keras.datasets.mnist.load_data()` (it downloads once, then
  uses Keras' cache); offline it raises `MnistFileError` saying how to fix it.

Then you take your first look at a digit, no plotting library needed: as text.
"""

import os

from mnist_course.training.data import MnistFileError, download_mnist, read_mnist_file  # noqa: F401


def load_mnist(path=None):
    """Load MNIST as uint8 arrays, from a local `mnist.npz` or from Keras.

    Where the data comes from, in order:

    1. `path`, if given: `read_mnist_file(path)`;
    2. else the file named by the `MNIST_PATH` environment variable, if it is set
       (`os.environ.get("MNIST_PATH")`): `read_mnist_file(...)` again;
    3. otherwise Keras: `download_mnist()`.

    Args:
        path: a `str` or `pathlib.Path` to an `.npz` file, or None.

    Returns:
        `(x_train, y_train), (x_test, y_test)`, all `numpy.uint8`, as the helpers return them:

        - `x_train`: shape (60000, 28, 28), pixel values 0..255 (0 is black background)
        - `y_train`: shape (60000,), digits 0..9
        - `x_test`: shape (10000, 28, 28)
        - `y_test`: shape (10000,)

    Raises:
        MnistFileError: (a `ValueError`) from `read_mnist_file` when the file is missing or
            broken; let it through, its message already says what to do.

    Example:
        >>> (x_train, y_train), (x_test, y_test) = load_mnist("data/mnist.npz")
        >>> x_train.shape, x_train.dtype, int(y_train[0])
        ((60000, 28, 28), dtype('uint8'), 5)
    """
    raise NotImplementedError(
        'Lesson 01 · Load the data · load_mnist() is not implemented yet: write it in lessons/lesson_01_load.py (its docstring is the spec; guide: docs/lessons/01-load.md; a nudge: mnist-course hint 01 load_mnist)'
    )


def digit_as_text(image, threshold=128):
    """Draw one image as text: `#` for ink, `.` for background, one line per pixel row.

    Args:
        image: one picture, 28 rows of 28 pixel values 0..255 (e.g. `x_train[0]`).
        threshold: a pixel is ink when its value is at least `threshold`.

    Returns:
        A `str` of 28 lines of 28 characters, joined with `"\\n"` (no newline at the end):
        line `r` describes row `r` of the image, left to right.

    Example:
        >>> print(digit_as_text(x_train[0]))   # a 5: rows 5 to 9 of its 28 lines
        .................##.###.....
        ...........############.....
        ........##########..........
        ........##########..........
        .........#.###...#..........
    """
    raise NotImplementedError(
        'Lesson 01 · Load the data · digit_as_text() is not implemented yet: write it in lessons/lesson_01_load.py (its docstring is the spec; guide: docs/lessons/01-load.md; a nudge: mnist-course hint 01 digit_as_text)'
    )
