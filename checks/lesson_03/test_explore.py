"""Checks for lesson 03 · label_counts, the plots, mean_digits.

Each function is checked on MNIST or a small example, then on labels or images drawn at
random for this run (the `drawn` fixture; the run's seed is in the header).
"""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from mnist_course.check_support.toolkit import call, describe, expect, expect_array, rounded, type_name


@pytest.fixture(scope="module")
def lesson(learner):
    return learner("03")


@pytest.fixture(scope="module")
def sample(small_subsets):
    """2,000 seeded MNIST training images as they come (uint8, 0-255) and their labels."""
    x, y = small_subsets["train"]
    return x[:2000], y[:2000]


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def figure_from(function_name, function, *args, **kwargs) -> Figure:
    figure = call(function_name, function, *args, **kwargs)
    expect(
        isinstance(figure, Figure),
        function_name,
        "a matplotlib Figure",
        type_name(figure),
        "create it with `figure, ax = plt.subplots(...)`, draw, then `return figure` "
        "(not plt.show(), not the axes)",
    )
    return figure


def image_axes(figure):
    return [ax for ax in figure.axes if ax.images]


def drawn_labels(drawn, n=None):
    """Labels drawn for this run, one digit (also drawn) left out; and that digit."""
    absent = int(drawn.integers(0, 10))
    n = int(drawn.integers(20, 500)) if n is None else n
    return drawn.choice([d for d in range(10) if d != absent], size=n), absent


# --- label_counts ---------------------------------------------------------------------------


def test_label_counts_table(lesson, drawn):
    y = np.array([1, 1, 3, 9, 9, 9, 0])
    table = call("label_counts", lesson.label_counts, y)
    expect(
        isinstance(table, pd.DataFrame),
        "label_counts",
        "a pandas DataFrame",
        type_name(table),
        "build it with pd.DataFrame({'digit': ..., 'count': ..., 'share': ...})",
    )
    expect(
        {"digit", "count", "share"} <= set(table.columns),
        "label_counts",
        "columns digit, count, share",
        f"columns {list(table.columns)}",
        "name the columns exactly digit, count and share",
    )
    expect(
        len(table) == 10 and table["digit"].tolist() == list(range(10)),
        "label_counts",
        "ten rows, digits 0..9 in order, including digits that never occur",
        f"digits {table['digit'].tolist()}",
        "value_counts() only lists digits it saw: .reindex(range(10), fill_value=0) adds "
        "the missing ones",
    )
    expect(
        table["count"].tolist() == [1, 2, 0, 1, 0, 0, 0, 0, 0, 3],
        "label_counts",
        "counts [1, 2, 0, 1, 0, 0, 0, 0, 0, 3] for labels [1, 1, 3, 9, 9, 9, 0]",
        f"counts {table['count'].tolist()}",
        "count how many labels equal each digit, in digit order (not sorted by frequency)",
    )
    expect(
        pd.api.types.is_integer_dtype(table["count"]),
        "label_counts",
        "whole-number counts (an int column)",
        f"a {table['count'].dtype} column: {table['count'].tolist()[:4]}...",
        "counts start float when the array they go in does (np.zeros(10) is float, "
        "np.zeros(10, dtype=int) is not), or when reindex(range(10)) without fill_value leaves NaN "
        "for fillna(0) to fill: count into an int array, use .reindex(range(10), fill_value=0), or "
        "finish with .astype(int)",
    )
    expect(
        np.allclose(table["share"].to_numpy(dtype=float), table["count"].to_numpy() / len(y)),
        "label_counts",
        "share = count / number of labels (shares add up to 1)",
        f"shares {rounded(table['share'].to_numpy(dtype=float), 3)}",
        "divide each count by len(y)",
    )
    inner = np.array([2, 2, 5, 7])  # neither 0 nor 9: the bins of np.histogram(y, 10) are 0.5 wide
    counts = np.asarray(getattr(call("label_counts", lesson.label_counts, inner), "get", lambda *_: [])("count", []))
    expect(
        counts.tolist() == [0, 0, 2, 0, 0, 1, 0, 1, 0, 0],
        "label_counts",
        "counts [0, 0, 2, 0, 0, 1, 0, 1, 0, 0] for labels [2, 2, 5, 7]",
        f"counts {counts.tolist()}",
        "count the labels you are given, not the first example's"
        if counts.tolist() == [1, 2, 0, 1, 0, 0, 0, 0, 0, 3]
        else "np.bincount(y) counts only up to the largest label it is given, here 7: "
        "np.bincount(y, minlength=10) always gives ten counts"
        if counts.tolist() == np.bincount(inner).tolist()
        else "count each digit 0..9 itself: np.histogram(y, bins=10) spreads its ten bins "
        "between the smallest and the largest label it is given, here 2 and 7",
    )
    y, absent = drawn_labels(drawn)
    table = call("label_counts", lesson.label_counts, y)
    wanted = np.bincount(y, minlength=10)
    counts = np.asarray(getattr(table, "get", lambda *_: [])("count", []), dtype=float)
    shares = np.asarray(getattr(table, "get", lambda *_: [])("share", []), dtype=float)
    expect(
        counts.shape == (10,) and np.array_equal(counts, wanted),
        "label_counts",
        f"counts {wanted.tolist()} for {len(y)} labels drawn at random for this run (no {absent}s)",
        f"counts {counts.astype(int).tolist()}" if counts.size else type_name(table),
        "count the labels you are given, digit by digit: "
        "pd.Series(y).value_counts().reindex(range(10), fill_value=0)",
    )
    expect(
        shares.shape == (10,) and np.allclose(shares, wanted / len(y)),
        "label_counts",
        f"shares {rounded(wanted / len(y), 3)} (count / {len(y)}) for the drawn labels",
        f"shares {rounded(shares, 3)}",
        "divide each count by len(y)",
    )


def test_label_counts_of_no_labels(lesson):
    table = call("label_counts", lesson.label_counts, np.array([], dtype=int))
    shares = np.asarray(getattr(table, "get", lambda *_: [])("share", []), dtype=float)
    expect(
        isinstance(table, pd.DataFrame) and len(table) == 10 and shares.size == 10
        and not np.isnan(shares).any() and np.all(shares == 0),
        "label_counts",
        "ten rows with count 0 and share 0.0 for an empty array of labels",
        f"shares {rounded(shares, 3)}" if shares.size else
        f"a DataFrame of {len(table)} rows" if isinstance(table, pd.DataFrame) else type_name(table),
        "0 / 0 is NaN: divide by max(len(y), 1) so that no labels gives shares of 0.0"
        if shares.size == 10 else
        "ten rows, one per digit, even when there are no labels: np.bincount(y, minlength=10) "
        "or .reindex(range(10), fill_value=0) gives them",
    )


# --- plots ----------------------------------------------------------------------------------


def test_plot_samples_titles_each_image_with_its_label(lesson, sample):
    x, y = sample
    figure = figure_from("plot_samples", lesson.plot_samples, x, y, n=12)
    shown = image_axes(figure)
    expect(
        len(shown) >= 12,
        "plot_samples",
        "12 axes with an image each for n=12",
        f"{len(shown)} axes with an image",
        "loop over the first n images and call ax.imshow(x[i], cmap='gray') on each",
    )
    titles = [ax.get_title() for ax in shown[:12]]
    wanted = [str(int(label)) for label in y[:12]]
    expect(
        titles == wanted,
        "plot_samples",
        f"titles {wanted} (the labels of the first 12 images)",
        f"titles {titles}",
        "ax.set_title(str(y[i])) for each image",
    )
    expect_images_in_order(shown, x, 12, "")
    ticked = sum(1 for ax in shown[:12] if ax.axison and (len(ax.get_xticks()) or len(ax.get_yticks())))
    expect(
        ticked == 0,
        "plot_samples",
        "no ticks or tick labels on the images (pixel numbers say nothing about a digit)",
        f"{ticked} of 12 images with ticks",
        "ax.axis('off') on every axes of the grid",
    )
    maps = {ax.images[0].get_cmap().name: ax.images[0].get_cmap() for ax in shown[:12]}
    colours = sorted(name for name, colour_map in maps.items() if not is_greyscale(colour_map))
    expect(
        not colours,
        "plot_samples",
        "greyscale images (colour map 'gray', or another grey one such as 'Greys'), as "
        "MNIST's pixels are shades of grey",
        f"colour maps {colours}",
        "matplotlib colours a 2-D array with 'viridis' unless told otherwise: "
        "ax.imshow(x[i], cmap='gray')",
    )


def expect_images_in_order(shown, x, n, which):
    """Axes i of the grid shows image x[i] as it is, for each of the first n."""
    arrays = [np.asarray(ax.images[0].get_array()) for ax in shown[:n]]
    wrong = next((i for i, array in enumerate(arrays) if not np.array_equal(array, x[i])), None)
    if wrong is None:
        return
    array = arrays[wrong]
    if np.array_equal(array, np.transpose(x[wrong])):
        seen, hint = (f"axes {wrong} shows x[{wrong}] turned on its side",
                      "ax.imshow(x[i], ...) as it is: .T (or np.transpose) swaps rows and columns")
    elif wrong > 0 and np.array_equal(array, x[0]):
        seen, hint = (f"axes {wrong} shows x[0] again",
                      f"draw image i in axes i: ax.imshow(x[i], ...) with the i of the loop, as in its title")
    else:
        seen, hint = (f"axes {wrong} shows another image",
                      "draw the images in order, x[0], x[1], ..., image i in axes i, the same i as its title")
    expect(False, "plot_samples", f"axes i to show image x[i], for each of the first {n}{which}", seen, hint)


def is_greyscale(colour_map) -> bool:
    """Whether a colour map runs through shades of grey only, dark to light or light to dark."""
    red, green, blue = colour_map(np.linspace(0, 1, 11))[:, :3].T
    steps = np.diff(red)
    return bool(np.allclose(red, green) and np.allclose(red, blue) and (np.all(steps > 0) or np.all(steps < 0)))


def test_plot_samples_grid_grows_with_n(lesson, sample, drawn):
    x, y = sample
    n = int(drawn.integers(26, 41))  # more than a 5x5 grid holds; n and the images drawn for this run
    chosen = drawn.choice(len(x), size=n + 4, replace=False)
    x, y = x[chosen], y[chosen]
    figure = figure_from("plot_samples", lesson.plot_samples, x, y, n=n)
    shown = image_axes(figure)
    columns = int(np.ceil(np.sqrt(n)))
    expect(
        len(shown) == n and len(figure.axes) >= n,
        "plot_samples",
        f"{n} axes with an image each for n={n} (e.g. a {int(np.ceil(n / columns))}x{columns} grid)",
        f"{len(figure.axes)} axes, {len(shown)} with an image",
        "work the grid out from n: columns = ceil(sqrt(n)), rows = ceil(n / columns), "
        "instead of a fixed plt.subplots(5, 5)",
    )
    # Rows and columns of the grid, from where the images sit on the figure.
    rows = len({round(ax.get_position().y0, 3) for ax in shown})
    across = len({round(ax.get_position().x0, 3) for ax in shown})
    expect(
        max(rows, across) <= 2 * min(rows, across),
        "plot_samples",
        f"a square-ish grid for n={n}, e.g. {int(np.ceil(n / columns))} rows of {columns}",
        f"{rows} row(s) of {across}",
        "a strip of small images is hard to read: columns = ceil(sqrt(n)), rows = ceil(n / columns)",
    )
    titles = [ax.get_title() for ax in shown]
    wanted = [str(int(label)) for label in y[:n]]
    expect(
        titles == wanted,
        "plot_samples",
        f"the {n} images drawn for this run titled with their labels, in order: {wanted[:8]}...",
        f"titles {titles[:8]}...",
        "title image i with its own label: ax.set_title(str(y[i])) for the x and y you are given",
    )
    expect_images_in_order(shown, x, n, " drawn for this run")


def test_plot_label_distribution_draws_ten_bars(lesson, sample, drawn):
    _, y = sample
    y = y[y != 7]  # a digit with no examples must still get its (empty) bar
    figure = figure_from("plot_label_distribution", lesson.plot_label_distribution, y)
    bars = [patch for ax in figure.axes for patch in ax.patches]
    exact = [bar.get_height() for bar in bars]
    heights = [round(height) for height in exact]
    expected = np.bincount(y, minlength=10).tolist()
    shares = bool(exact) and abs(sum(exact) - 1) < 1e-3
    expect(
        heights == expected,
        "plot_label_distribution",
        f"ten bars with heights {expected} (digit 7 absent, so 0)",
        f"{len(bars)} bars with heights {rounded(exact, 3) if shares else heights}",
        "the bars show shares (they add up to 1): plot the counts, y='count'" if shares else
        "use label_counts(y) so absent digits are included, then "
        "sns.barplot(data=counts, x='digit', y='count', ax=ax)",
    )
    ax = figure.axes[0]
    expect(
        ax.get_xlabel() == "digit" and ax.get_ylabel() == "count",
        "plot_label_distribution",
        "axis labels 'digit' and 'count'",
        f"'{ax.get_xlabel()}' and '{ax.get_ylabel()}'",
        "ax.set_xlabel('digit'); ax.set_ylabel('count')",
    )
    y, absent = drawn_labels(drawn)
    # Then labels without 0s or without 9s: a histogram's ten bins span the smallest to the
    # largest label there is, so they fit digits 0..9 only when both ends occur.
    end = int(drawn.choice([0, 9]))
    ends = drawn.choice([d for d in range(10) if d != end], size=int(drawn.integers(20, 500)))
    for labels, missing in ((y, absent), (ends, end)):
        figure = figure_from("plot_label_distribution", lesson.plot_label_distribution, labels)
        bars = [patch for ax in figure.axes for patch in ax.patches]
        heights = [round(patch.get_height()) for patch in bars]
        expected = np.bincount(labels, minlength=10).tolist()
        binned = len(bars) == 10 and len({round(bar.get_width(), 6) for bar in bars}) == 1 and \
            round(bars[0].get_x(), 6) == labels.min()  # fmt: skip
        expect(
            heights == expected,
            "plot_label_distribution",
            f"ten bars with heights {expected} for {len(labels)} labels drawn at random for this run "
            f"(no {missing}s, so 0)",
            f"{len(heights)} bars with heights {heights}",
            "a histogram spreads its ten bins from the smallest label there is to the largest, so "
            f"without {missing}s they miss the digits; count instead: label_counts(y), then "
            "sns.barplot(data=counts, x='digit', y='count', ax=ax)" if binned else
            "count the labels you are given, label_counts(y), then "
            "sns.barplot(data=counts, x='digit', y='count', ax=ax)",
        )


WRAPPED = ("adding uint8 images wraps around past 255 (250 + 10 gives 4): add them up as floats, "
           "from np.zeros((28, 28)), or let x[y == d].mean(axis=0) do it")


def wrapped(mean, x, y, digit) -> bool:
    """`mean` is the digit's mean as uint8 arithmetic gives it: the sum wrapped past 255."""
    chosen = np.asarray(x)[np.asarray(y) == digit]
    if not len(chosen) or np.asarray(x).dtype != np.uint8:
        return False
    total = chosen.sum(axis=0, dtype=np.uint8)
    return bool(np.allclose(mean, total / len(chosen), atol=1e-3) or np.allclose(mean, total // len(chosen), atol=1e-3))


def expect_every_mean(means, x, y, what):
    wanted = np.zeros((10, 28, 28))
    for digit in np.unique(y):
        wanted[digit] = np.asarray(x, dtype=np.float64)[y == digit].mean(axis=0)
    wrong = [digit for digit in range(10) if not np.allclose(means[digit], wanted[digit], atol=1e-3)]
    missing = [digit for digit in wrong if not means[digit].any() and wanted[digit].any()]
    expect(
        not wrong,
        "mean_digits",
        f"means[d] to be the pixel-wise mean of the images labelled d, for every digit 0..9, {what}",
        f"all zeros for digit {missing[0]}, which occurs {int(np.sum(y == missing[0]))} times" if missing
        else f"means[{wrong[0]}] is {describe(means[wrong[0]])}, expected {describe(wanted[wrong[0]])}"
        if wrong else "",
        "range(10) gives 0..9; range(9) stops at 8 and leaves digit 9 all zeros"
        if missing == [9] else
        WRAPPED
        if wrong and wrapped(means[wrong[0]], x, y, wrong[0]) else
        "average over the images axis for each digit d of 0..9: x[y == d].mean(axis=0)",
    )


def test_mean_digits(lesson, sample, drawn):
    x, y = sample
    y = y.copy()
    keep = y != 4  # no 4s at all: its mean must be zeros, not NaN
    means = expect_array(call("mean_digits", lesson.mean_digits, x[keep], y[keep]), "mean_digits",
                         "float, shape (10, 28, 28)", "start from means = np.zeros((10, 28, 28)) and fill "
                         "means[d] for each digit d")
    expect(
        means.shape == (10, 28, 28),
        "mean_digits",
        "shape (10, 28, 28): one mean image per digit",
        describe(means),
        "np.zeros((10, 28, 28)), then fill row d with x[y == d].mean(axis=0)",
    )
    expect(
        np.issubdtype(means.dtype, np.floating),
        "mean_digits",
        "a float array (a mean like 127.6 has a fraction)",
        describe(means),
        "np.zeros_like(x[:10]) copies x's uint8 dtype, which cuts 127.6 down to 127: "
        "start from np.zeros((10, 28, 28)), which is float",
    )
    expect(
        not np.isnan(means).any() and np.all(means[4] == 0),
        "mean_digits",
        "zeros for a digit with no examples (here 4)",
        "NaN" if np.isnan(means).any() else describe(means[4]),
        "the mean of no images is NaN: skip digits that do not occur",
    )
    three = x[keep][y[keep] == 3].mean(axis=0)
    expect(
        np.allclose(means[3], three, atol=1e-3),
        "mean_digits",
        "means[3] to be the pixel-wise mean of all images labelled 3",
        describe(means[3]),
        WRAPPED if wrapped(means[3], x[keep], y[keep], 3) else "average over the images axis: x[y == 3].mean(axis=0)",
    )
    expect_every_mean(means, x[keep], y[keep], "here without 4s")
    # Images of random pixels and labels drawn for this run; one digit (never 9) absent.
    labels = drawn.permutation(np.concatenate([[9, 9], drawn.integers(0, 10, size=int(drawn.integers(40, 200)))]))
    absent = int(drawn.integers(0, 9))
    labels[labels == absent] = 9
    images = drawn.integers(0, 256, size=(len(labels), 28, 28), dtype=np.uint8)
    means = np.asarray(call("mean_digits", lesson.mean_digits, images, labels))
    expect(
        means.shape == (10, 28, 28) and not np.isnan(means).any(),
        "mean_digits",
        f"shape (10, 28, 28) without NaN for images and labels drawn at random for this run (no {absent}s)",
        describe(means),
        "one mean image per digit, zeros for a digit that does not occur",
    )
    expect_every_mean(means, images, labels, f"for images and labels drawn at random for this run (no {absent}s)")


def test_plot_mean_digits_shows_ten_titled_means(lesson, sample, drawn):
    x, y = sample
    figure = figure_from("plot_mean_digits", lesson.plot_mean_digits, x, y)
    shown = image_axes(figure)
    titles = [ax.get_title() for ax in shown]
    expect(
        titles == [str(d) for d in range(10)],
        "plot_mean_digits",
        "ten images titled 0..9",
        f"{len(shown)} images titled {titles}",
        "one axes per digit: ax.imshow(means[d], cmap='gray'); ax.set_title(str(d))",
    )
    seven = np.asarray(shown[7].images[0].get_array(), dtype=float)
    expect(
        np.allclose(seven, x[y == 7].mean(axis=0), atol=1e-3),
        "plot_mean_digits",
        "the axes titled 7 to show the mean image of the 7s",
        describe(seven),
        plotted_mean_hint(lesson, seven, x, y, 7, "draw mean_digits(x, y)[d] in axes d"),
    )
    plt.close("all")
    chosen = drawn.choice(len(x), size=int(drawn.integers(200, 600)), replace=False)
    x, y = x[chosen], y[chosen]  # a subset drawn for this run: other means
    digit = int(drawn.integers(0, 10))
    figure = figure_from("plot_mean_digits", lesson.plot_mean_digits, x, y)
    shown = [ax for ax in image_axes(figure) if ax.get_title() == str(digit)]
    mean = np.asarray(shown[0].images[0].get_array(), dtype=float) if shown else None
    expect(
        mean is not None and mean.shape == (28, 28) and np.allclose(mean, x[y == digit].mean(axis=0), atol=1e-3),
        "plot_mean_digits",
        f"the axes titled {digit} to show the mean of the {digit}s among {len(x)} images drawn "
        "for this run",
        describe(mean) if mean is not None else f"no image titled {digit}",
        plotted_mean_hint(lesson, mean, x, y, digit,
                          "draw mean_digits(x, y)[d] for the x and y you are given, in axes d"),
    )


def plotted_mean_hint(lesson, shown, x, y, digit, otherwise) -> str:
    """When the plot shows what the learner's own mean_digits returns, and that is wrong, the
    fix is in mean_digits: say so instead of blaming the plot."""
    try:
        theirs = np.asarray(lesson.mean_digits(x, y), dtype=float)[digit]
    except Exception:  # noqa: BLE001 - mean_digits' own check shows its error
        return otherwise
    right = np.allclose(theirs, x[y == digit].mean(axis=0), atol=1e-3)
    if shown is not None and not right and np.allclose(shown, theirs, atol=1e-3):
        return (f"the axes show what your mean_digits(x, y)[{digit}] returns, which is not the mean "
                "yet: fix mean_digits first (its check, test_mean_digits, says how)")
    return otherwise
