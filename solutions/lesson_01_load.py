"""Lesson 01 · Load the data.

MNIST is 70,000 greyscale pictures of handwritten digits, 28x28 pixels each, split into
60,000 for training and 10,000 for testing. Keras can download it for you
(`keras.datasets.mnist.load_data()`), but you will often work where there is no internet,
or want a copy you control. So `load_mnist` takes an optional path to a local `mnist.npz`
(or reads the `MNIST_PATH` environment variable) and checks what it reads before trusting it:
a training run that starts from a corrupt file wastes far more time than a clear error now.

Keras is imported inside the download branch on purpose: importing it starts TensorFlow,
which takes seconds, and reading a local file does not need it.
"""

import os
import zipfile
from pathlib import Path

import numpy as np

EXPECTED_SHAPES = {
    "x_train": (60000, 28, 28),
    "y_train": (60000,),
    "x_test": (10000, 28, 28),
    "y_test": (10000,),
}


class MnistFileError(ValueError):
    """The local MNIST file is missing, unreadable or not laid out like Keras' `mnist.npz`."""


def load_mnist(path=None):
    """Load MNIST as uint8 arrays, from Keras or from a local `mnist.npz`.

    Where the data comes from, in order:

    1. `path`, if given;
    2. the `MNIST_PATH` environment variable, if set;
    3. otherwise `keras.datasets.mnist.load_data()` (downloads once, then uses Keras' cache).

    A local file is read with `numpy.load` and validated: it must hold the keys
    `x_train`, `y_train`, `x_test`, `y_test` with the shapes below, dtype uint8, and
    labels between 0 and 9.

    Args:
        path: a `str` or `pathlib.Path` to an `.npz` file, or None.

    Returns:
        `(x_train, y_train), (x_test, y_test)`, all `numpy.uint8`:

        - `x_train`: shape (60000, 28, 28), pixel values 0..255 (0 is black background)
        - `y_train`: shape (60000,), digits 0..9
        - `x_test`: shape (10000, 28, 28)
        - `y_test`: shape (10000,)

    Raises:
        MnistFileError: (a `ValueError`) when the local file is missing, is not an `.npz`
            archive, or holds the wrong keys, shapes, dtypes or labels. The message names
            the path and says what to do.

    Example:
        >>> (x_train, y_train), (x_test, y_test) = load_mnist("data/mnist.npz")
        >>> x_train.shape, x_train.dtype, int(y_train[0])
        ((60000, 28, 28), dtype('uint8'), 5)
    """
    # BEGIN SOLUTION
    if path is None:
        path = os.environ.get("MNIST_PATH") or None
    if path is None:
        from keras.datasets import mnist  # starts TensorFlow: only when we must download

        return mnist.load_data()

    path = Path(path).expanduser()
    fix = (
        "Point MNIST_PATH (or the path argument) at a copy of Keras' mnist.npz, "
        "or unset MNIST_PATH to let Keras download it."
    )
    if not path.is_file():
        raise MnistFileError(f"MNIST file not found: {path}. {fix}")
    try:
        with np.load(path, allow_pickle=False) as archive:
            missing = sorted(set(EXPECTED_SHAPES) - set(archive.files))
            if missing:
                raise MnistFileError(
                    f"{path} has no {', '.join(missing)} (it holds {sorted(archive.files)}). {fix}"
                )
            arrays = {key: archive[key] for key in EXPECTED_SHAPES}
    except (OSError, ValueError, zipfile.BadZipFile, EOFError) as error:
        if isinstance(error, MnistFileError):
            raise
        raise MnistFileError(f"{path} is not a readable .npz archive ({error}). {fix}") from None

    for key, shape in EXPECTED_SHAPES.items():
        array = arrays[key]
        if array.shape != shape or array.dtype != np.uint8:
            raise MnistFileError(
                f"{path}: {key} is {array.dtype} {array.shape}, expected uint8 {shape}. {fix}"
            )
    for key in ("y_train", "y_test"):
        if arrays[key].max() > 9:
            raise MnistFileError(f"{path}: {key} has labels above 9. {fix}")

    return (arrays["x_train"], arrays["y_train"]), (arrays["x_test"], arrays["y_test"])
    # END SOLUTION
