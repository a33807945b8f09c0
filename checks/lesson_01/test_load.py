"""Checks for lesson 01 · load_mnist.

These checks build their own small `.npz` files (valid and broken ones) in a temporary
folder, so they run the same with or without the real MNIST and never need TensorFlow.
"""

import sys
import types

import numpy as np
import pytest

from mnist_course.checking import call, describe, expect, expect_raises

SHAPES = {"x_train": (60000, 28, 28), "y_train": (60000,), "x_test": (10000, 28, 28), "y_test": (10000,)}


@pytest.fixture(scope="module")
def lesson(learner):
    return learner("01")


def fake_arrays():
    """Arrays shaped like MNIST whose values say where they came from."""
    rng = np.random.default_rng(1)
    arrays = {key: np.zeros(shape, dtype=np.uint8) for key, shape in SHAPES.items()}
    arrays["x_train"][:, 14, 14] = 255
    arrays["x_test"][:5] = rng.integers(0, 256, size=(5, 28, 28), dtype=np.uint8)
    arrays["y_train"][:] = np.arange(60000) % 10
    arrays["y_test"][:] = (np.arange(10000) * 3) % 10
    return arrays


@pytest.fixture(scope="module")
def good_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("data") / "mnist.npz"
    np.savez(path, **fake_arrays())
    return path


@pytest.fixture
def no_env(monkeypatch):
    monkeypatch.delenv("MNIST_PATH", raising=False)


def load_expecting_error(lesson, path, what, hint):
    """Call load_mnist on a bad file; it must raise a ValueError that names the path."""
    error = expect_raises(ValueError, "load_mnist", what, hint, lambda: lesson.load_mnist(path))
    expect(
        str(path) in str(error) or path.name in str(error),
        "load_mnist",
        f"an error message that names the file ({path.name}) so the learner knows which one",
        f"ValueError: {error}",
        "put the path in the message, e.g. f\"{path}: ...\"",
    )


def test_reads_a_local_file(lesson, good_file, no_env):
    result = call("load_mnist", lesson.load_mnist, good_file)
    expect(
        isinstance(result, tuple) and len(result) == 2 and all(len(pair) == 2 for pair in result),
        "load_mnist",
        "((x_train, y_train), (x_test, y_test)): two pairs, like Keras",
        f"{type(result).__name__} of length {len(result) if hasattr(result, '__len__') else '?'}",
        "return (x_train, y_train), (x_test, y_test)",
    )
    (x_train, y_train), (x_test, y_test) = result
    expected = fake_arrays()
    for key, array in zip(SHAPES, (x_train, y_train, x_test, y_test)):
        array = np.asarray(array)
        expect(
            array.shape == SHAPES[key] and array.dtype == np.uint8,
            "load_mnist",
            f"{key} as uint8 of shape {SHAPES[key]}",
            describe(array),
            "return the arrays as stored: do not normalise or reshape here (that is lesson 02)",
        )
        expect(
            np.array_equal(array, expected[key]),
            "load_mnist",
            f"{key} exactly as stored in the file",
            "different values",
            "are the four arrays in the right order: (x_train, y_train), (x_test, y_test)?",
        )


@pytest.fixture
def fake_keras(monkeypatch):
    """A stand-in for keras.datasets.mnist.load_data: no internet, no TensorFlow needed.

    Returns the list of calls made to it and the (tiny) data it hands out.
    """
    calls = []
    tiny = ((np.zeros((2, 28, 28), np.uint8), np.zeros(2, np.uint8)),) * 2

    def load_data(*args, **kwargs):
        calls.append(1)
        return tiny

    if "keras" in sys.modules:
        import keras

        monkeypatch.setattr(keras.datasets.mnist, "load_data", load_data)
    else:
        names = ("keras", "keras.datasets", "keras.datasets.mnist")
        fake = {name: types.ModuleType(name) for name in names}
        fake["keras.datasets.mnist"].load_data = load_data
        fake["keras.datasets"].mnist = fake["keras.datasets.mnist"]
        fake["keras"].datasets = fake["keras.datasets"]
        for name, module in fake.items():
            monkeypatch.setitem(sys.modules, name, module)
    return calls, tiny


def test_uses_MNIST_PATH_when_no_path_is_given(lesson, good_file, monkeypatch, fake_keras):
    monkeypatch.setenv("MNIST_PATH", str(good_file))
    (x_train, _), _ = call("load_mnist", lesson.load_mnist)
    expect(
        np.array_equal(x_train, fake_arrays()["x_train"]),
        "load_mnist",
        "the file named by the MNIST_PATH environment variable when path is None",
        "Keras' download instead" if fake_keras[0] else "other data",
        "read os.environ.get('MNIST_PATH') when path is None",
    )


def test_the_path_argument_wins_over_MNIST_PATH(lesson, good_file, monkeypatch, tmp_path):
    monkeypatch.setenv("MNIST_PATH", str(tmp_path / "elsewhere.npz"))
    (x_train, _), _ = call("load_mnist", lesson.load_mnist, good_file)
    expect(
        np.array_equal(x_train, fake_arrays()["x_train"]),
        "load_mnist",
        "the path argument to be used even when MNIST_PATH is set",
        "other data",
        "only fall back to MNIST_PATH when path is None",
    )


def test_downloads_with_keras_by_default(lesson, no_env, fake_keras):
    calls, tiny = fake_keras
    result = lesson.load_mnist()
    expect(
        calls == [1],
        "load_mnist",
        "keras.datasets.mnist.load_data() to be called once when no path and no MNIST_PATH",
        f"it was called {len(calls)} times",
        "with no path, `from keras.datasets import mnist` and return mnist.load_data()",
    )
    expect(
        result is tiny,
        "load_mnist",
        "what keras.datasets.mnist.load_data() returns, unchanged",
        f"{type(result).__name__}",
        "return mnist.load_data() as it is",
    )


def test_a_missing_file_is_a_clear_error(lesson, tmp_path, no_env):
    load_expecting_error(
        lesson,
        tmp_path / "nowhere" / "mnist.npz",
        "a file that does not exist",
        "check path.is_file() first and raise MnistFileError(f'MNIST file not found: {path}. ...')",
    )


def test_a_file_that_is_not_npz_is_a_clear_error(lesson, tmp_path, no_env):
    path = tmp_path / "mnist.npz"
    path.write_text("this is not a numpy archive")
    load_expecting_error(
        lesson,
        path,
        "a file that is not an .npz archive",
        "wrap np.load(...) in try/except (OSError, ValueError) and raise MnistFileError",
    )


@pytest.mark.parametrize(
    "breakage, what",
    [
        ("missing key", "a file without x_test"),
        ("wrong shape", "x_test of shape (10000, 28, 27)"),
        ("wrong dtype", "y_train stored as int64"),
        ("bad label", "a label 10 in y_test"),
    ],
)
def test_a_file_with_the_wrong_content_is_a_clear_error(lesson, tmp_path, no_env, breakage, what):
    arrays = fake_arrays()
    if breakage == "missing key":
        del arrays["x_test"]
    elif breakage == "wrong shape":
        arrays["x_test"] = arrays["x_test"][:, :, :27]
    elif breakage == "wrong dtype":
        arrays["y_train"] = arrays["y_train"].astype(np.int64)
    else:
        arrays["y_test"][7] = 10
    path = tmp_path / "broken.npz"
    np.savez(path, **arrays)
    load_expecting_error(
        lesson,
        path,
        what,
        "validate what you read: the four keys, each shape, dtype uint8, labels 0..9",
    )
