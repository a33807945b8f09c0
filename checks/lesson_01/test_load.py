"""Checks for lesson 01 · load_mnist and digit_as_text.

These checks build their own small `.npz` files (valid and broken ones) in a temporary
folder, and stand in for Keras' download, so they run the same with or without the real
MNIST and never need the internet or TensorFlow.
"""

import numpy as np
import pytest

from mnist_course.check_support.toolkit import call, describe, expect, expect_raises, scenario
from mnist_course.grading.scenarios import TINY_MNIST

SHAPES = {"x_train": (60000, 28, 28), "y_train": (60000,), "x_test": (10000, 28, 28), "y_test": (10000,)}


@pytest.fixture(scope="module")
def lesson(learner):
    return learner("01")


def fake_arrays(drawn=None):
    """Arrays shaped like MNIST whose values say where they came from.

    With `drawn` (the check's random generator), the pixels and labels are drawn for this
    run instead, so no fixed answer can stand in for reading the file.
    """
    rng = drawn if drawn is not None else np.random.default_rng(1)
    arrays = {key: np.zeros(shape, dtype=np.uint8) for key, shape in SHAPES.items()}
    if drawn is None:
        arrays["x_train"][:, 14, 14] = 255
        arrays["y_train"][:] = np.arange(60000) % 10
        arrays["y_test"][:] = (np.arange(10000) * 3) % 10
    else:
        rows, cols = rng.integers(0, 28, size=2)
        arrays["x_train"][:, rows, cols] = rng.integers(1, 256, size=60000, dtype=np.uint8)
        arrays["y_train"][:] = rng.integers(0, 10, size=60000)
        arrays["y_test"][:] = rng.integers(0, 10, size=10000)
    arrays["x_test"][:5] = rng.integers(0, 256, size=(5, 28, 28), dtype=np.uint8)
    return arrays


@pytest.fixture(scope="module")
def good_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("data") / "mnist.npz"
    np.savez(path, **fake_arrays())
    return path


@pytest.fixture
def no_env(request, lesson, monkeypatch):
    """No MNIST_PATH, and no file remembered by the course: only the learner's choice counts."""
    monkeypatch.delenv("MNIST_PATH", raising=False)
    scenario(request, lesson, "no remembered MNIST")


def load_expecting_error(lesson, path, what):
    """Call load_mnist on a bad file; it must raise the reader's error, which names the path."""
    error = expect_raises(
        ValueError,
        "load_mnist",
        what,
        "give the path to read_mnist_file(path): it checks the file and raises MnistFileError "
        "(a ValueError) that names it. Let that error through: no try/except around it",
        lambda: lesson.load_mnist(path),
    )
    expect(
        str(path) in str(error) or path.name in str(error),
        "load_mnist",
        f"an error message that names the file ({path.name}) so the learner knows which one",
        f"ValueError: {error}",
        "let read_mnist_file's MnistFileError through unchanged: its message names the file "
        "and the fix",
    )


def two_pairs(lesson, *args):
    """Call load_mnist and insist on Keras' nesting before anything unpacks it."""
    result = call("load_mnist", lesson.load_mnist, *args)
    expect(
        isinstance(result, (tuple, list)) and len(result) == 2
        and all(isinstance(pair, (tuple, list)) and len(pair) == 2 for pair in result),
        "load_mnist",
        "((x_train, y_train), (x_test, y_test)): two pairs, like Keras",
        f"{type(result).__name__} of length {len(result) if hasattr(result, '__len__') else '?'}",
        "return read_mnist_file(path) (or download_mnist()) as it is: it already gives the two pairs",
    )
    return result


def shape_hint(key, array) -> str:
    """What to try when `key` came back with the wrong shape or dtype."""
    others = [other for other, shape in SHAPES.items() if other != key and shape == array.shape]
    if others and array.dtype == np.uint8:
        return (f"that is {others[0]}'s shape: return the pairs as Keras nests them, "
                "((x_train, y_train), (x_test, y_test)), read_mnist_file(path) as it is")
    return NOT_AS_STORED


def test_reads_a_local_file(lesson, good_file, no_env, drawn, tmp_path, fake_keras):
    drawn_file = tmp_path / "drawn" / "mnist.npz"  # pixels and labels drawn for this run
    drawn_file.parent.mkdir()
    drawn_arrays = fake_arrays(drawn)
    np.savez(drawn_file, **drawn_arrays)
    for path, expected, which in ((good_file, fake_arrays(), "the file"),
                                  (drawn_file, drawn_arrays, "a file drawn at random for this run")):
        result = two_pairs(lesson, path)
        expect(
            not fake_keras[0],
            "load_mnist",
            f"the file at the path it is given ({path.name}) to be read",
            "Keras' download instead",
            "when path is given, return read_mnist_file(path); download_mnist() is only for when "
            "there is no path and no MNIST_PATH",
        )
        (x_train, y_train), (x_test, y_test) = result
        for key, array in zip(SHAPES, (x_train, y_train, x_test, y_test)):
            array = np.asarray(array)
            expect(
                array.shape == SHAPES[key] and array.dtype == np.uint8,
                "load_mnist",
                f"{key} as uint8 of shape {SHAPES[key]}",
                describe(array),
                shape_hint(key, array),
            )
            expect(
                np.array_equal(array, expected[key]),
                "load_mnist",
                f"{key} exactly as stored in {which}",
                "different values",
                "are the four arrays in the right order: (x_train, y_train), (x_test, y_test)?"
                if path == good_file else
                "read the file at the path you are given, read_mnist_file(path), every time",
            )


@pytest.fixture
def fake_keras(request, lesson):
    """A stand-in for keras.datasets.mnist.load_data: no internet, no TensorFlow needed.

    Returns the list of calls made to it and the (tiny) data it hands out.
    """
    return scenario(request, lesson, "fake Keras download").keras_downloads, TINY_MNIST


def same_pairs(result, pairs) -> bool:
    """`result` holds the same two (images, labels) pairs as `pairs`, nested the same way."""
    return (
        isinstance(result, (tuple, list)) and len(result) == len(pairs)
        and all(isinstance(got, (tuple, list)) and len(got) == len(want)
                and all(np.array_equal(a, b) for a, b in zip(got, want)) for got, want in zip(result, pairs))
    )


def test_uses_MNIST_PATH_when_no_path_is_given(lesson, good_file, no_env, monkeypatch, fake_keras):
    monkeypatch.setenv("MNIST_PATH", str(good_file))
    (x_train, _), _ = two_pairs(lesson)
    expect(
        np.array_equal(x_train, fake_arrays()["x_train"]),
        "load_mnist",
        "the file named by the MNIST_PATH environment variable when path is None",
        "Keras' download instead" if fake_keras[0] else other_data(x_train, "x_train"),
        NOT_AS_STORED
        if changed(x_train, "x_train") else
        "a default of path=os.environ.get('MNIST_PATH') is read once, when the file is imported, "
        "not at each call: keep path=None and read the variable inside the function"
        if default_of(lesson.load_mnist, "path") is not None else
        "when path is None, path = os.environ.get('MNIST_PATH') (with the quotes: it is the "
        "variable's name), then read that file",
    )


NOT_AS_STORED = "return the arrays as stored: do not normalise or reshape here (that is lesson 02)"


def changed(array, key) -> bool:
    """`array` is the good file's `key`, but normalised or reshaped on the way."""
    if isinstance(array, str):
        return False
    array, stored = np.asarray(array), fake_arrays()[key]
    if array.dtype == stored.dtype and array.shape == stored.shape or array.size != stored.size:
        return False
    array = array.reshape(stored.shape).astype(np.float64)
    return bool(np.allclose(array, stored) or np.allclose(array * 255, stored))


def other_data(array, key) -> str:
    return f"the file's {key}, changed: {describe(array)}" if changed(array, key) else "other data"


def default_of(function, name):
    """The default value of `function`'s parameter `name` (None when it cannot be read)."""
    import inspect

    try:
        parameter = inspect.signature(function).parameters.get(name)
    except (TypeError, ValueError):  # a function that lives in a grading worker
        return None
    return None if parameter is None or parameter.default is inspect.Parameter.empty else parameter.default


def test_the_path_argument_wins_over_MNIST_PATH(lesson, good_file, no_env, monkeypatch, tmp_path):
    monkeypatch.setenv("MNIST_PATH", str(tmp_path / "elsewhere.npz"))
    try:
        (x_train, _), _ = two_pairs(lesson, good_file)
    except ValueError as error:
        x_train = f"ValueError: {error}"[:160]
    expect(
        np.array_equal(x_train, fake_arrays()["x_train"]),
        "load_mnist",
        "the path argument to be used even when MNIST_PATH is set",
        x_train if isinstance(x_train, str) else other_data(x_train, "x_train"),
        NOT_AS_STORED if changed(x_train, "x_train") else "only fall back to MNIST_PATH when path is None",
    )


def test_downloads_with_keras_by_default(lesson, no_env, fake_keras):
    calls, tiny = fake_keras
    try:
        result = call("load_mnist", lesson.load_mnist)
    except (KeyError, NameError, TypeError, ValueError) as error:
        expect(
            False,
            "load_mnist",
            "no error when there is no path and MNIST_PATH is not set: then Keras downloads",
            f"{type(error).__name__}: {error}"[:200],
            "os.environ['MNIST_PATH'] raises KeyError when the variable is unset: "
            "os.environ.get('MNIST_PATH') gives None instead"
            if isinstance(error, KeyError)
            else "the name of an environment variable is a string: os.environ.get('MNIST_PATH'), with "
            "the quotes (without them Python looks for a variable of your own called MNIST_PATH)"
            if isinstance(error, NameError) and "'MNIST_PATH'" in str(error)
            else "use the helpers imported at the top of your lesson file: return download_mnist() "
            "(it calls keras.datasets.mnist.load_data() for you)"
            if isinstance(error, NameError)
            else "when path is still None after looking at MNIST_PATH, return download_mnist() "
            "instead of reading a file",
        )
    expect(
        calls == [1],
        "load_mnist",
        "Keras' download (keras.datasets.mnist.load_data()) to be used once when there is no "
        "path and no MNIST_PATH",
        f"it was used {len(calls)} times",
        "with no path and no MNIST_PATH, return download_mnist()",
    )
    expect(
        same_pairs(result, tiny),
        "load_mnist",
        "what keras.datasets.mnist.load_data() returns, unchanged",
        f"{type(result).__name__}",
        "return download_mnist() as it is",
    )


def test_a_missing_file_is_a_clear_error(lesson, tmp_path, no_env):
    load_expecting_error(lesson, tmp_path / "nowhere" / "mnist.npz", "a file that does not exist")


def test_a_file_that_is_not_npz_is_a_clear_error(lesson, tmp_path, no_env):
    path = tmp_path / "mnist.npz"
    path.write_text("this is not a numpy archive")
    load_expecting_error(lesson, path, "a file that is not an .npz archive")


@pytest.mark.parametrize(
    "breakage, what",
    [
        ("missing key", "a file without x_test"),
        ("wrong shape", "x_test of shape (10000, 28, 27)"),
        ("bad label", "a label 10 in y_test"),
    ],
)
def test_a_file_with_the_wrong_content_is_a_clear_error(lesson, tmp_path, no_env, breakage, what):
    arrays = fake_arrays()
    if breakage == "missing key":
        del arrays["x_test"]
    elif breakage == "wrong shape":
        arrays["x_test"] = arrays["x_test"][:, :, :27]
    else:
        arrays["y_test"][7] = 10
    path = tmp_path / "broken.npz"
    np.savez(path, **arrays)
    load_expecting_error(lesson, path, what)


# --- digit_as_text ---------------------------------------------------------------------------


def drawn_digit():
    """A 28x28 'digit': a bar along row 4 (columns 3..20), one faint pixel, one at the edge."""
    image = np.zeros((28, 28), dtype=np.uint8)
    image[4, 3:21] = 255
    image[10, 9] = 127  # just below the threshold: background
    image[12, 9] = 128  # exactly the threshold: ink
    image[27, 27] = 200  # the very last pixel
    return image


def as_lines(lesson, image, **kwargs):
    text = call("digit_as_text", lesson.digit_as_text, image, **kwargs)
    expect(
        isinstance(text, str),
        "digit_as_text",
        "one string (the lines joined with '\\n')",
        type(text).__name__,
        "return '\\n'.join(lines), not the list of lines and not print(...)",
    )
    other = sorted(set(text) - {"#", ".", "\n"})
    expect(
        not other,
        "digit_as_text",
        "only '#' (ink), '.' (background) and the newlines between lines",
        f"also {', '.join(repr(char) for char in other[:5])}",
        "draw '#' for a pixel at or above the threshold and '.' for any other, nothing else",
    )
    lines = text.split("\n")
    expect(
        len(lines) == 28 and all(len(line) == 28 for line in lines),
        "digit_as_text",
        "28 lines of 28 characters (one character per pixel, no newline at the end)",
        f"{len(lines)} lines of lengths {sorted({len(line) for line in lines})}",
        "one line per row of the image: '\\n'.join(lines) puts newlines only between lines"
        if len(lines) != 28
        else "one character per pixel: '#' or '.', nothing else (no spaces)",
    )
    return lines


def inverted(lines) -> bool:
    """The drawn digit's blank top row came out as ink: '#' and '.' the wrong way round."""
    return lines[0] == "#" * 28


def test_digit_as_text_draws_ink_and_background(lesson):
    image = drawn_digit()
    lines = as_lines(lesson, image)
    expect(
        lines[4] == "..." + "#" * 18 + "......." and lines[0] == "." * 28,
        "digit_as_text",
        "row 4 (a bar from column 3 to 20) as '..." + "#" * 18 + ".......', row 0 all '.'",
        f"row 4 {lines[4]!r}, row 0 {lines[0]!r}"
        + (" (the background drawn as '#': ink and background swapped?)" if inverted(lines) else
           " (column 4 looks like the bar: rows and columns swapped?)" if lines[3][4] == "#" else ""),
        "'#' is for ink, a pixel at or above the threshold, and '.' for the background: "
        "'#' if pixel >= threshold else '.'" if inverted(lines) else
        "loop over the rows (`for row in image:`), and within a row over its pixels, left to right",
    )
    expect(
        lines[10][9] == "." and lines[12][9] == "#" and lines[27][27] == "#",
        "digit_as_text",
        "pixel 127 as '.', pixel 128 as '#' (ink means value >= threshold), and the last pixel drawn",
        f"pixel 127 as {lines[10][9]!r}, pixel 128 as {lines[12][9]!r}, last pixel as {lines[27][27]!r}",
        "'#' if pixel >= threshold else '.': at least the threshold counts as ink",
    )


def test_digit_as_text_uses_the_threshold(lesson):
    image = drawn_digit()
    lines = as_lines(lesson, image, threshold=100)
    expect(
        lines[10][9] == "#",
        "digit_as_text",
        "pixel 127 (row 10, column 9) drawn as '#' when threshold=100",
        f"{lines[10][9]!r}",
        "'#' is for ink, a pixel at or above the threshold, and '.' for the background: "
        "'#' if pixel >= threshold else '.'"
        if inverted(lines)
        else "rows and columns are swapped: the bar along row 4 came out as column 4; loop over the "
        "rows (`for row in image:`), and within a row over its pixels, left to right"
        if lines[9][10] == "#" and lines[3][4] == "#"
        else "compare each pixel with the threshold argument, not with a fixed 128",
    )


def test_digit_as_text_on_a_drawn_image(lesson, drawn):
    """An image of random pixels and a threshold, both drawn for this run."""
    image = drawn.integers(0, 256, size=(28, 28), dtype=np.uint8)
    threshold = int(drawn.integers(30, 226))
    image.flat[drawn.choice(784, 3, replace=False)] = threshold  # exactly at the threshold: ink
    lines = as_lines(lesson, image, threshold=threshold)
    wanted = ["".join("#" if pixel >= threshold else "." for pixel in row) for row in image]
    wrong = [r for r in range(28) if lines[r] != wanted[r]]
    row = wrong[0] if wrong else 0
    column = next((c for c in range(28) if lines[row][c] != wanted[row][c]), 0)
    expect(
        not wrong,
        "digit_as_text",
        f"for random pixels drawn for this run and threshold={threshold}: '#' exactly where a "
        f"pixel is at least {threshold}; row {row} {wanted[row]!r}",
        f"row {row} {lines[row]!r} (pixel {image[row, column]} at column {column} as {lines[row][column]!r})",
        "compare each pixel with the threshold argument: '#' if pixel >= threshold else '.'; "
        "row r of the image is line r of the text",
    )
