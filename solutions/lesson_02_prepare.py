"""Lesson 02 · Prepare the data.

A network learns best from small numbers of similar size, so pixels go from 0..255 to
0.0..1.0. We divide by 255 (the largest value a pixel *can* take), never by the batch's own
maximum: a faint digit would otherwise be stretched differently from a bold one, and a
photo you predict later would be scaled differently from the training data.

Then we hold some training images back as a *validation* set. The model never trains on
them, so they tell us honestly how it does on new digits while we tune it; the test set
stays untouched until the very end. The split is *stratified* (every digit keeps its share)
and *seeded* (the same split every run, so results can be compared).

Last, a habit that saves hours: check shapes before training. A mismatch found here is
a one-line message; found inside Keras it is a page of traceback.
"""

import numpy as np
from sklearn.model_selection import train_test_split


def normalize(images):
    """Scale pixel values from 0..255 to 0.0..1.0.

    Args:
        images: `numpy` array of uint8 pixels, any shape, e.g. (n, 28, 28).

    Returns:
        A new float32 array of the same shape with every value divided by 255, so values
        lie in [0, 1]. The input array is left unchanged.

    Example:
        >>> normalize(np.array([[0, 51, 255]], dtype=np.uint8))
        array([[0. , 0.2, 1. ]], dtype=float32)
    """
    # BEGIN SOLUTION
    return np.asarray(images, dtype=np.float32) / np.float32(255.0)
    # END SOLUTION


def reshape_for_model(images, flatten=False):
    """Give a batch of images the shape a model expects.

    Args:
        images: array of shape (n, 28, 28).
        flatten: if True, one row of 784 values per image (row-major: the 28 pixels of the
            first row, then the second row, ...), as a Dense layer reads it. If False, add a
            channel axis, (n, 28, 28, 1), as a convolutional layer reads it.

    Returns:
        An array of shape (n, 784) or (n, 28, 28, 1), same dtype and values as the input.
        The input array is left unchanged.

    Example:
        >>> reshape_for_model(np.zeros((5, 28, 28)), flatten=True).shape
        (5, 784)
        >>> reshape_for_model(np.zeros((5, 28, 28))).shape
        (5, 28, 28, 1)
    """
    # BEGIN SOLUTION
    images = np.asarray(images)
    if flatten:
        return images.reshape(len(images), -1)
    return images[..., np.newaxis]
    # END SOLUTION


def split_validation(x, y, val_fraction=0.1, seed=0):
    """Hold back a stratified, seeded validation set with scikit-learn's `train_test_split`.

    Args:
        x: images, shape (n, ...).
        y: labels, shape (n,), digits 0..9.
        val_fraction: share of the examples to hold back, between 0 and 1.
        seed: integer; the same seed always gives the same split, another seed another split.

    Returns:
        `(x_train, x_val, y_train, y_val)` (scikit-learn's order). `len(x_val)` is
        `val_fraction * n` (rounded up) and each digit keeps its share of the data in
        both parts.

    Example:
        >>> x_tr, x_val, y_tr, y_val = split_validation(x_train, y_train, 0.1, seed=0)
        >>> len(x_tr), len(x_val)
        (54000, 6000)
    """
    # BEGIN SOLUTION
    return train_test_split(x, y, test_size=val_fraction, stratify=y, random_state=seed)
    # END SOLUTION


def validate_shapes(x, y):
    """Check that images and labels fit together before training; raise if not.

    Checks, in order:

    1. `x` and `y` have the same length;
    2. every image is 28x28 (shape (n, 28, 28), (n, 28, 28, 1) or flattened (n, 784));
    3. `y` is one-dimensional and every label is a whole number from 0 to 9.

    Args:
        x: images.
        y: labels.

    Returns:
        None when everything fits.

    Raises:
        ValueError: naming the mismatch, e.g.
            "x has 100 images but y has 99 labels",
            "images are (28, 27), expected 28x28",
            "labels must be 0..9, found 10".

    Example:
        >>> validate_shapes(np.zeros((2, 28, 28)), np.array([3, 7]))   # fine: returns None
    """
    # BEGIN SOLUTION
    x = np.asarray(x)
    y = np.asarray(y)
    if len(x) != len(y):
        raise ValueError(f"x has {len(x)} images but y has {len(y)} labels")
    image_shape = x.shape[1:]
    if image_shape not in {(28, 28), (28, 28, 1), (784,)}:
        raise ValueError(f"images are {image_shape}, expected 28x28")
    if y.ndim != 1:
        raise ValueError(f"labels must be one-dimensional, got shape {y.shape}")
    if y.size and (not np.all(np.mod(y, 1) == 0) or y.min() < 0 or y.max() > 9):
        bad = y[(y < 0) | (y > 9) | (np.mod(y, 1) != 0)][0]
        raise ValueError(f"labels must be 0..9, found {bad}")
    # END SOLUTION
