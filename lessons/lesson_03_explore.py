"""Lesson 03 · Explore the data.

Before modelling, look. How many examples of each digit are there (a model trained on
far more 1s than 5s will favour 1s)? What do the digits look like, and how varied are
they? The mean image of each digit shows what the "typical" 3 looks like to a model
that only sees pixels, and it is a reference you will use again in lesson 07 when you
compare your own handwriting with MNIST.

Each plotting function returns a matplotlib `Figure` instead of calling `plt.show()`, so
the same code works in a notebook, in a script that saves PNGs, and in the checks.
"""

import matplotlib

matplotlib.use("Agg")  # draw to files, never open a window: works on servers and in CI

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns


def label_counts(y):
    """Count how many examples each digit has.

    Args:
        y: labels, shape (n,), digits 0..9.

    Returns:
        A pandas DataFrame with exactly ten rows, one per digit 0..9 in order (a digit that
        never occurs gets count 0), and the columns:

        - `digit` (int): 0..9
        - `count` (int): how many labels equal that digit
        - `share` (float): count / n, so the shares add up to 1 (0.0 for every digit when
          `y` is empty: no labels, no shares)

    Example:
        >>> label_counts(np.array([1, 1, 3, 9]))[["digit", "count"]].head(4)
           digit  count
        0      0      0
        1      1      2
        2      2      0
        3      3      1
    """
    raise NotImplementedError(
        'Lesson 03 · Explore the data · label_counts() is not implemented yet: write it in lessons/lesson_03_explore.py (its docstring is the spec; guide: docs/lessons/03-explore.md; a nudge: mnist-course hint 03 label_counts)'
    )


def plot_samples(x, y, n=25):
    """Draw the first `n` images in a square-ish grid, each titled with its label.

    Args:
        x: images, shape (n_images, 28, 28).
        y: labels, shape (n_images,).
        n: how many images to draw.

    Returns:
        A matplotlib Figure with at least `n` axes; the first `n` each show one image
        (greyscale, no ticks) titled with its label, e.g. "5".
    """
    raise NotImplementedError(
        'Lesson 03 · Explore the data · plot_samples() is not implemented yet: write it in lessons/lesson_03_explore.py (its docstring is the spec; guide: docs/lessons/03-explore.md; a nudge: mnist-course hint 03 plot_samples)'
    )


def plot_label_distribution(y):
    """Bar chart of how many examples each digit has, drawn with seaborn.

    Args:
        y: labels, shape (n,).

    Returns:
        A matplotlib Figure with one axes holding ten bars (digits 0..9, absent digits at
        height 0), x axis labelled "digit", y axis labelled "count".
    """
    raise NotImplementedError(
        'Lesson 03 · Explore the data · plot_label_distribution() is not implemented yet: write it in lessons/lesson_03_explore.py (its docstring is the spec; guide: docs/lessons/03-explore.md; a nudge: mnist-course hint 03 plot_label_distribution)'
    )


def mean_digits(x, y):
    """The average image of each digit.

    Args:
        x: images, shape (n, 28, 28).
        y: labels, shape (n,).

    Returns:
        float array of shape (10, 28, 28): entry `d` is the pixel-wise mean of all images
        labelled `d` (all zeros for a digit that does not occur).
    """
    raise NotImplementedError(
        'Lesson 03 · Explore the data · mean_digits() is not implemented yet: write it in lessons/lesson_03_explore.py (its docstring is the spec; guide: docs/lessons/03-explore.md; a nudge: mnist-course hint 03 mean_digits)'
    )


def plot_mean_digits(x, y):
    """Show the mean image of each digit side by side.

    Args:
        x: images, shape (n, 28, 28).
        y: labels, shape (n,).

    Returns:
        A matplotlib Figure with ten axes, axes `d` showing `mean_digits(x, y)[d]`
        titled with the digit.
    """
    raise NotImplementedError(
        'Lesson 03 · Explore the data · plot_mean_digits() is not implemented yet: write it in lessons/lesson_03_explore.py (its docstring is the spec; guide: docs/lessons/03-explore.md; a nudge: mnist-course hint 03 plot_mean_digits)'
    )
