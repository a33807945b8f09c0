"""Checks for lesson 02 · normalize, reshape_for_model, split_validation, validate_shapes.

Each function is checked on real digits or a small example, then on inputs drawn at random
for this run (the `drawn` fixture; the run's seed is in the header).
"""

import math
import re

import numpy as np
import pytest

from mnist_course.check_support.toolkit import call, describe, expect, expect_array, expect_raises, rounded


@pytest.fixture(scope="module")
def lesson(learner):
    return learner("02")


@pytest.fixture(scope="module")
def digits(mnist):
    """The first 1,000 training images, uint8, as lesson 01 returns them."""
    (x_train, y_train), _ = mnist
    return x_train[:1000].copy(), y_train[:1000].copy()


# --- normalize ------------------------------------------------------------------------------


def wrong_pixel(images, out) -> str:
    """'pixel 51 became 0.0 (wanted 0.2)': the first pixel that went wrong, as the learner can
    check it by hand (a pixel that came out right, such as 255 -> 1.0, says nothing)."""
    if out.shape != images.shape:
        return describe(out)
    wrong = np.flatnonzero(~np.isclose(out, images / 255.0, atol=1e-6))
    if not wrong.size:
        return describe(out)
    pixel = images.flat[wrong[0]]
    return f"pixel {pixel} became {out.flat[wrong[0]]:.4g} (wanted {pixel / 255:.4g})"


def division_hint(images, out, otherwise: str) -> str:
    """The hint for a wrong division: `//` has its own words, whatever else the check suspects."""
    images = np.asarray(images)
    if out.shape == images.shape and np.array_equal(out, images // 255):
        return ("`//` is integer division: it rounds down, so every pixel below 255 becomes 0; "
                "divide with a single `/` (images / 255)")
    if out.shape == images.shape and np.array_equal(out, images) and images.max() > 1:
        return "the pixels came back as they went in, 0..255: divide them by 255 (images / 255)"
    return otherwise


def test_normalize_returns_float32_in_unit_range(lesson, digits):
    images, _ = digits
    out = expect_array(call("normalize", lesson.normalize, images), "normalize", "float32, the shape of the input",
                       "divide the whole array at once, images / 255.0, instead of image by image in a loop")
    expect(
        out.shape == images.shape,
        "normalize",
        f"the same shape as the input, {images.shape}",
        describe(out),
        "divide every pixel; do not reshape here",
    )
    expect(
        out.dtype == np.float32,
        "normalize",
        "dtype float32",
        describe(out),
        "images / 255 gives float64, twice the memory Keras needs: add .astype(np.float32)"
        if out.dtype == np.float64
        else "convert with np.asarray(images, dtype=np.float32) before dividing",
    )
    expect(
        out.max() <= 1.0 and out.min() >= 0.0,
        "normalize",
        "values between 0.0 and 1.0",
        describe(out),
        f"max value is {out.max():.1f}: did you divide by 255?",
    )
    expect(
        np.allclose(out, images / 255.0, atol=1e-6),
        "normalize",
        "each pixel divided by 255 (0 -> 0.0, 51 -> 0.2, 255 -> 1.0)",
        wrong_pixel(images, out),
        division_hint(images, out, "divide by the constant 255, the largest value a uint8 pixel can take"),
    )


def test_normalize_divides_by_255_not_by_the_batch_maximum(lesson, drawn):
    faint = np.array([[0, 64, 128]], dtype=np.uint8)  # a faint image: brightest pixel is 128
    out = np.asarray(call("normalize", lesson.normalize, faint))
    expect(
        np.allclose(out, faint / 255.0, atol=1e-6),
        "normalize",
        f"{rounded(faint / 255.0, 3)} for pixels {faint.tolist()}",
        f"{rounded(out, 3)}",
        "divide by 255, not by images.max(): otherwise a faint digit is scaled differently "
        "from a bold one" if out.shape == faint.shape and np.allclose(out, faint / faint.max())
        else division_hint(faint, out, "divide every pixel by 255 (images / 255)"),
    )
    # A faint batch drawn for this run: its shape, its brightest pixel and every pixel.
    shape = tuple(int(side) for side in drawn.integers(1, 12, size=int(drawn.integers(1, 4))))
    brightest = int(drawn.integers(40, 250))
    pixels = drawn.integers(0, brightest + 1, size=shape, dtype=np.uint8)
    out = np.asarray(call("normalize", lesson.normalize, pixels))
    expect(
        out.shape == shape and np.allclose(out, pixels / 255.0, atol=1e-6),
        "normalize",
        f"each pixel / 255 for a batch drawn at random for this run (shape {shape}, pixels "
        f"0..{brightest}): e.g. {pixels.flat[0]} -> {pixels.flat[0] / 255:.4f}",
        f"{out.flat[0]:.4f}" if out.shape == shape else describe(out),
        "divide by 255, not by images.max(): otherwise a faint digit is scaled "
        "differently from a bold one" if out.shape == shape and np.allclose(out, pixels / pixels.max())
        else division_hint(pixels, out, "divide the pixels you are given by 255, keeping their shape"),
    )


def test_normalize_leaves_its_input_untouched(lesson, digits):
    """The caller may still need the raw pixels. A call that writes into the images it is given
    fails, in every check, as when graded (`untouched`); this one makes that call on purpose."""
    call("normalize", lesson.normalize, digits[0].copy())


# --- reshape_for_model ----------------------------------------------------------------------


def drawn_images(drawn):
    """A batch of n images of random pixels, n and the pixels drawn for this run."""
    n = int(drawn.integers(2, 40))
    return drawn.integers(0, 256, size=(n, 28, 28), dtype=np.uint8)


def test_reshape_flattens_row_by_row(lesson, digits, drawn):
    images, _ = digits
    for images, what in ((images[:10], "10 images"), (drawn_images(drawn), "images drawn at random for this run")):
        n = len(images)
        out = np.asarray(call("reshape_for_model", lesson.reshape_for_model, images, flatten=True))
        expect(
            out.shape == (n, 784),
            "reshape_for_model",
            f"shape ({n}, 784) for {n} {what.removeprefix('10 ')} with flatten=True",
            describe(out),
            "images.reshape(len(images), -1) keeps one row per image",
        )
        expect(
            np.array_equal(out[n // 3], images[n // 3].ravel()),
            "reshape_for_model",
            "each row to be the image's pixels row after row (image[0, :], then image[1, :], ...)"
            + ("" if n == 10 else f", for {what}"),
            "pixels in another order"
            if np.array_equal(np.sort(out[n // 3]), np.sort(images[n // 3].ravel()))
            else "other values",
            "the default row-major order (order='C') is what a Dense layer expects; "
            "do not transpose or use order='F'",
        )
        expect(
            out.dtype == images.dtype,
            "reshape_for_model",
            f"the input's dtype, {images.dtype}, with flatten=True" + ("" if n == 10 else f", for {what}"),
            describe(out),
            "reshaping must not convert the pixels: drop the .astype(...) after reshape",
        )


def test_reshape_adds_a_channel_axis(lesson, digits, drawn):
    images, _ = digits
    for images, what in ((images[:10], "10 images"), (drawn_images(drawn), "images drawn at random for this run")):
        n, before = len(images), images.copy()
        out = np.asarray(call("reshape_for_model", lesson.reshape_for_model, images))
        expect(
            out.shape == (n, 28, 28, 1),
            "reshape_for_model",
            f"shape ({n}, 28, 28, 1) with flatten=False (the default)"
            + ("" if n == 10 else f", for {n} {what.removeprefix('10 ')}"),
            describe(out),
            "images[..., np.newaxis] or images.reshape(-1, 28, 28, 1)",
        )
        expect(
            out.dtype == before.dtype and np.array_equal(out[..., 0], before),
            "reshape_for_model",
            "the same values and dtype, only a new shape" + ("" if n == 10 else f", for {what}"),
            describe(out),
            "reshaping must not change or convert the pixels",
        )


def test_reshape_leaves_its_input_untouched(lesson, digits):
    images, _ = digits
    # A call that changes the caller's array (images.shape = ...) fails, as when graded
    # (`untouched`): both layouts are asked for here on purpose.
    images = images[:10].copy()
    for flatten in (True, False):
        call("reshape_for_model", lesson.reshape_for_model, images, flatten=flatten)


# --- split_validation -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def labels(mnist):
    """20,000 real labels: enough for an unstratified split to show."""
    (_, y_train), _ = mnist
    return y_train[:20000].copy()


def split(lesson, labels, **kwargs):
    # Images are replaced by their index, so we can see exactly where each one went.
    x = np.arange(len(labels))
    result = call("split_validation", lesson.split_validation, x, labels, **kwargs)
    expect(
        isinstance(result, (tuple, list)) and len(result) == 4,
        "split_validation",
        "four arrays: (x_train, x_val, y_train, y_val)",
        f"{type(result).__name__} of length {len(result) if hasattr(result, '__len__') else '?'}",
        "return what train_test_split returns, in its order",
    )
    return [np.asarray(part) for part in result]


def drawn_split_case(drawn):
    """n labels (each digit at least 5 times) and a fraction whose share of n is not whole."""
    while True:
        n = int(drawn.integers(300, 3000))
        val_fraction = round(float(drawn.uniform(0.05, 0.4)), 3)
        if 0.05 < val_fraction * n % 1 < 0.95:  # far from a whole number: rounding up shows
            break
    labels = np.concatenate([np.repeat(np.arange(10), 5), drawn.integers(0, 10, size=n - 50)])
    return drawn.permutation(labels), val_fraction


def test_split_sizes_and_pairs(lesson, labels, drawn):
    x_train, x_val, y_train, y_val = split(lesson, labels, val_fraction=0.1, seed=0)
    expect(
        len(x_val) == 2000 and len(x_train) == 18000,
        "split_validation",
        "2000 validation and 18000 training examples for 20000 examples and val_fraction=0.1",
        f"{len(x_train)} training and {len(x_val)} validation",
        "pass test_size=val_fraction to train_test_split, and keep its return order "
        "(x_train, x_val, y_train, y_val)",
    )
    everything = np.sort(np.concatenate([x_train, x_val]))
    expect(
        np.array_equal(everything, np.arange(len(labels))),
        "split_validation",
        "every example in exactly one of the two parts",
        "some examples missing or repeated",
        "let train_test_split do the split",
    )
    expect(
        np.array_equal(y_train, labels[x_train]) and np.array_equal(y_val, labels[x_val]),
        "split_validation",
        "each label to stay with its image",
        "labels shuffled separately from images",
        "split x and y in one train_test_split(x, y, ...) call",
    )
    drawn_labels, val_fraction = drawn_split_case(drawn)
    n, wanted = len(drawn_labels), math.ceil(val_fraction * len(drawn_labels))
    x_train, x_val, y_train, y_val = split(lesson, drawn_labels, val_fraction=val_fraction, seed=0)
    expect(
        len(x_val) == wanted and len(x_train) == n - wanted,
        "split_validation",
        f"{wanted} validation and {n - wanted} training examples for {n} examples and "
        f"val_fraction={val_fraction} (drawn for this run): {val_fraction} x {n} = "
        f"{val_fraction * n:.2f}, rounded up",
        f"{len(x_train)} training and {len(x_val)} validation",
        "the docstring says rounded up: int(val_fraction * len(x)) rounds down. Pass the "
        "fraction itself, test_size=val_fraction, and train_test_split rounds up"
        if len(x_val) == wanted - 1 else
        "pass test_size=val_fraction to train_test_split, and keep its return order "
        "(x_train, x_val, y_train, y_val)",
    )
    expect(
        np.array_equal(np.sort(np.concatenate([x_train, x_val])), np.arange(n))
        and np.array_equal(y_train, drawn_labels[x_train]) and np.array_equal(y_val, drawn_labels[x_val]),
        "split_validation",
        "every example in exactly one part, with its own label, for labels drawn at random for this run",
        "examples missing or repeated, or labels apart from their images",
        "split x and y in one train_test_split(x, y, ...) call",
    )


def test_split_is_stratified(lesson, labels):
    _, _, _, y_val = split(lesson, labels, val_fraction=0.1, seed=0)
    size = len(y_val) / len(labels)  # a wrong size is the size check's to say: judge the shares
    expected = np.bincount(labels, minlength=10) * size
    seen = np.bincount(y_val, minlength=10)
    worst = int(np.argmax(np.abs(seen - expected)))
    expect(
        np.all(np.abs(seen - expected) <= 1),
        "split_validation",
        "each digit's share kept in the validation set (within one example)",
        f"digit {worst}: {seen[worst]} in validation, expected about {expected[worst]:.0f}",
        "pass stratify=y to train_test_split",
    )


def test_split_is_seeded(lesson, labels):
    first = split(lesson, labels, seed=3)[1]
    again = split(lesson, labels, seed=3)[1]
    other = split(lesson, labels, seed=4)[1]
    expect(
        np.array_equal(first, again),
        "split_validation",
        "the same split every time for the same seed",
        "a different split on each call",
        "pass random_state=seed to train_test_split",
    )
    expect(
        not np.array_equal(first, other),
        "split_validation",
        "a different split for a different seed",
        "the same split for seed=3 and seed=4",
        "use the seed argument (random_state=seed), not a fixed number",
    )


# --- validate_shapes ------------------------------------------------------------------------


def test_validate_shapes_accepts_good_data(lesson):
    labels = np.array([0, 9, 5])
    for x, y in ((np.zeros((3, 28, 28)), labels), (np.zeros((3, 28, 28, 1)), labels),
                 (np.zeros((3, 784)), labels), (np.zeros((3, 28, 28)), labels.astype(float))):
        try:
            result = lesson.validate_shapes(x, y)
        except NotImplementedError:
            raise
        except Exception as error:  # noqa: BLE001
            expect(
                False,
                "validate_shapes",
                f"no error for images of shape {x.shape} with labels {y.tolist()}",
                f"{type(error).__name__}: {error}",
                "labels 0.0, 9.0 and 5.0 are whole numbers stored as floats: test y % 1 == 0, "
                "not the dtype" if y.dtype.kind == "f"
                else "28x28, 28x28x1 and 784 are all valid layouts of the same image",
            )
        expect(
            result is None,
            "validate_shapes",
            "None when everything fits",
            repr(result)[:80],
            "raise on a problem; otherwise return nothing",
        )


@pytest.mark.parametrize(
    "case, x, y, must_mention, example",
    [
        ("lengths", np.zeros((100, 28, 28)), np.zeros(99, dtype=int), ["100", "99"],
         "x has 100 images but y has 99 labels"),
        ("image size", np.zeros((4, 28, 27)), np.zeros(4, dtype=int), ["27"],
         "images are (28, 27), expected 28x28"),
        ("image layout", np.zeros((3, 1, 28, 28)), np.zeros(3, dtype=int), ["(1, 28, 28)"],
         "images are (1, 28, 28), expected 28x28"),
        ("image shape", np.zeros((3, 14, 56)), np.zeros(3, dtype=int), ["(14, 56)"],
         "images are (14, 56), expected 28x28"),
        ("label range", np.zeros((3, 28, 28)), np.array([1, 10, 2]), ["10"],
         "labels must be 0..9, found 10"),
        ("negative label", np.zeros((3, 28, 28)), np.array([1, -1, 2]), ["-1"],
         "labels must be 0..9, found -1"),
        ("fractional label", np.zeros((3, 28, 28)), np.array([1.0, 3.5, 2.0]), ["3.5"],
         "labels must be 0..9, found 3.5"),
        ("2-D labels", np.zeros((3, 28, 28)), np.zeros((3, 1), dtype=int), ["(3, 1)"],
         "labels must be one-dimensional, got shape (3, 1)"),
    ],
)  # fmt: skip
def test_validate_shapes_names_the_mismatch(lesson, case, x, y, must_mention, example):
    checks = {
        "image layout": "784 pixels are not enough: channels first, (1, 28, 28), is not one of "
        "the three layouts the docstring names, and lesson 08's Conv2D would read it wrongly",
        "image shape": "14x56 is 784 pixels too, but not a 28x28 image: compare the shape "
        "x.shape[1:] with the three layouts the docstring names, not the number of pixels",
        "fractional label": "a label must be a whole number: y % 1 != 0 finds 3.5",
        "2-D labels": "check y.ndim == 1: a column of labels, shape (3, 1), is not what "
        "Keras' sparse loss expects",
    }
    error = expect_raises(
        ValueError,
        "validate_shapes",
        f"a mismatch in {case} (x {x.shape}, y {y.shape}: {y.ravel().tolist()[:5]})",
        checks.get(case, f"check the {case} and raise ValueError(...) with a message that "
                   "names the problem"),  # fmt: skip
        lambda: lesson.validate_shapes(x, y),
    )
    expect(
        all(word in str(error) for word in must_mention),
        "validate_shapes",
        f"a message that mentions {', '.join(must_mention)}",
        f"ValueError: {error}",
        f"say what you found, e.g. raise ValueError(f\"...\") giving \"{example}\"",
    )


def mentions(error, number) -> bool:
    """The error's message has `number` in it, as a number of its own (10 is not in 100)."""
    return re.search(rf"(?<!\d)(?<!\d\.){number}(?!\.?\d)", str(error)) is not None


def test_validate_shapes_names_a_drawn_mismatch(lesson, drawn):
    """Lengths and a wrong label drawn for this run: a message typed in cannot name them."""
    while True:  # never the example lengths (100, 99): a message typed from it would pass
        n = int(drawn.integers(5, 300))
        m = n + int(drawn.choice([-1, 1])) * int(drawn.integers(1, 5))
        if not {n, m} & {99, 100}:
            break
    error = expect_raises(
        ValueError,
        "validate_shapes",
        f"{n} images with {m} labels (drawn for this run)",
        "compare len(x) with len(y) and raise ValueError(...) when they differ",
        lambda: lesson.validate_shapes(np.zeros((n, 28, 28)), np.zeros(m, dtype=int)),
    )
    expect(
        mentions(error, n) and mentions(error, m),
        "validate_shapes",
        f"a message that mentions {n} and {m}",
        f"ValueError: {error}",
        "put the numbers you found in the message: "
        "raise ValueError(f\"x has {len(x)} images but y has {len(y)} labels\")",
    )
    bad = int(drawn.choice([-1, 1])) * int(drawn.integers(11, 100))  # not the examples' 10
    y = drawn.integers(0, 10, size=n)
    y[int(drawn.integers(0, n))] = bad
    error = expect_raises(
        ValueError,
        "validate_shapes",
        f"a label {bad} among {n} labels (drawn for this run)",
        "check that every label is from 0 to 9 and raise ValueError(...) naming the one you found",
        lambda: lesson.validate_shapes(np.zeros((n, 28, 28)), y),
    )
    expect(
        mentions(error, bad),
        "validate_shapes",
        f"a message that mentions {bad}",
        f"ValueError: {error}",
        "name the label you found, e.g. raise ValueError(f\"labels must be 0..9, found {bad}\")",
    )
