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
    # BEGIN SOLUTION
    counts = pd.Series(np.asarray(y)).value_counts().reindex(range(10), fill_value=0)
    frame = pd.DataFrame({"digit": np.arange(10), "count": counts.to_numpy().astype(int)})
    frame["share"] = frame["count"] / max(len(y), 1)
    return frame
    # END SOLUTION


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
    # BEGIN SOLUTION
    columns = int(np.ceil(np.sqrt(n)))
    rows = int(np.ceil(n / columns))
    figure, axes = plt.subplots(
        rows, columns, figsize=(1.4 * columns, 1.6 * rows), layout="constrained"
    )
    for index, ax in enumerate(np.ravel(axes)):
        ax.axis("off")
        if index < n:
            ax.imshow(x[index], cmap="gray")
            ax.set_title(str(int(y[index])))
    return figure
    # END SOLUTION


def plot_label_distribution(y):
    """Bar chart of how many examples each digit has, drawn with seaborn.

    Args:
        y: labels, shape (n,).

    Returns:
        A matplotlib Figure with one axes holding ten bars (digits 0..9, absent digits at
        height 0), x axis labelled "digit", y axis labelled "count".
    """
    # BEGIN SOLUTION
    counts = label_counts(y)
    figure, ax = plt.subplots(figsize=(7, 3.5), layout="constrained")
    sns.barplot(data=counts, x="digit", y="count", color="steelblue", ax=ax)
    ax.set_xlabel("digit")
    ax.set_ylabel("count")
    ax.set_title("How many examples of each digit")
    return figure
    # END SOLUTION


def mean_digits(x, y):
    """The average image of each digit.

    Args:
        x: images, shape (n, 28, 28).
        y: labels, shape (n,).

    Returns:
        float array of shape (10, 28, 28): entry `d` is the pixel-wise mean of all images
        labelled `d` (all zeros for a digit that does not occur).
    """
    # BEGIN SOLUTION
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y)
    means = np.zeros((10, 28, 28))
    for digit in range(10):
        if np.any(y == digit):
            means[digit] = x[y == digit].mean(axis=0)
    return means
    # END SOLUTION


def plot_mean_digits(x, y):
    """Show the mean image of each digit side by side.

    Args:
        x: images, shape (n, 28, 28).
        y: labels, shape (n,).

    Returns:
        A matplotlib Figure with ten axes, axes `d` showing `mean_digits(x, y)[d]`
        titled with the digit.
    """
    # BEGIN SOLUTION
    means = mean_digits(x, y)
    figure, axes = plt.subplots(1, 10, figsize=(12, 1.8), layout="constrained")
    for digit, ax in enumerate(axes):
        ax.imshow(means[digit], cmap="gray")
        ax.set_title(str(digit))
        ax.axis("off")
    return figure
    # END SOLUTION
