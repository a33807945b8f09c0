"""Errors from OpenCV, NumPy and Keras reach the learner as one teaching line (issue 23.9):
what was passed and what the function wants, never C++ assertions or colour codes."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from mnist_course.course import LESSONS
from mnist_course.check_support.outcome import classify, library_words


def raised(run):
    try:
        run()
    except Exception as error:  # noqa: BLE001 - the error is the point
        return error, sys.exc_info()[2]
    raise AssertionError("no error")


def shown(error, tb, tmp_path) -> str:
    """The teaching message of a check that failed with `error` outside the learner's lines."""
    outcome = classify(error, tb, LESSONS["07"], tmp_path, suspects=("find_digit",))
    return outcome.render()


def test_a_bool_mask_given_to_bounding_rect(tmp_path):
    cv2 = pytest.importorskip("cv2")
    mask = np.zeros((28, 28), dtype=bool)
    mask[5:9, 3:12] = True
    try:
        box = cv2.boundingRect(mask)
    except Exception as caught:  # noqa: BLE001 - OpenCV 4 refuses it: the message must say why
        error, tb = caught, caught.__traceback__
    else:  # OpenCV 5 reads a bool mask as it is: the learner's mask works, nothing to explain
        assert tuple(box) == (3, 5, 9, 4)
        return
    words = library_words(error)
    assert "cv2.boundingRect" in words and "bool" in words and ".astype(np.uint8)" in words, words
    text = shown(error, tb, tmp_path)
    assert "-215" not in text and "CV_32F" not in text and "npoints" not in text, text
    assert words in text


def test_a_float_image_given_to_find_contours(tmp_path):
    cv2 = pytest.importorskip("cv2")
    error, tb = raised(lambda: cv2.findContours(np.zeros((28, 28)), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE))
    words = library_words(error)
    assert "cv2.findContours()" in words and "float64" in words and "uint8" in words, words
    assert "ContourScanner_" not in shown(error, tb, tmp_path)


def test_rows_of_different_lengths_given_to_numpy(tmp_path):
    error, tb = raised(lambda: np.array([np.zeros((28, 28)), np.zeros((20, 28))]))
    words = library_words(error)
    assert "not all the same shape" in words and "2 pieces" in words, words
    text = shown(error, tb, tmp_path)
    assert "inhomogeneous" not in text and words in text


def test_one_image_given_to_a_model_that_wants_a_batch(tmp_path):
    keras = pytest.importorskip("keras")
    model = keras.Sequential([keras.Input((28, 28)), keras.layers.Flatten(), keras.layers.Dense(10)])
    error, tb = raised(lambda: model(np.zeros((28, 28), dtype=np.float32)))
    words = library_words(error)
    assert "shape (28, 28)" in words and "(None, 28, 28)" in words and "np.newaxis" in words, words
    text = shown(error, tb, tmp_path)
    assert "\x1b" not in text and "\\x1b" not in text and "[1m" not in text, text
    assert "Arguments received" not in text and words in text


def test_a_batch_of_the_wrong_image_shape_is_told_to_reshape():
    """The batch axis is there but each image is (28, 28) for a model that wants 784 values:
    the advice is the model's input shape, not the batch axis it already has."""
    keras = pytest.importorskip("keras")
    model = keras.Sequential([keras.Input((784,)), keras.layers.Dense(10)])
    error, _ = raised(lambda: model.predict(np.zeros((1, 28, 28), dtype=np.float32), verbose=0))
    words = library_words(error)
    assert "(1, 28, 28)" in words and "model.input_shape[1:]" in words and "(-1, 784)" in words, words
    assert "np.newaxis" not in words, words


def test_other_errors_keep_their_own_words():
    assert library_words(ValueError("invalid literal for int() with base 10: 'x'")) is None


def test_a_checks_seen_line_shows_keras_main_line_without_colour_codes():
    from mnist_course.check_support.toolkit import error_words

    error = ValueError("Exception encountered when calling Sequential.call().\n\n\x1b[1mInput 0 of layer "
                       "'conv2d' is incompatible: expected min_ndim=4, found ndim=3\x1b[0m\n\nArguments ...")
    assert error_words(error) == ("ValueError: Input 0 of layer 'conv2d' is incompatible: expected "
                                  "min_ndim=4, found ndim=3")


def test_a_batch_reshaped_as_one_image_is_counted():
    error, _ = raised(lambda: np.zeros((5, 28, 28), dtype=np.float32).reshape((1, 28, 28)))
    words = library_words(error)
    assert "a batch of 5 images" in words and "reshape((-1, 28, 28))" in words, words
    error, _ = raised(lambda: np.zeros((5, 27), dtype=np.float32).reshape((1, 28, 28)))
    assert library_words(error) is None


def test_one_image_given_to_a_model_without_a_fixed_input_is_told_its_batch_axis():
    """Keras' "Cannot take the length of shape with unknown rank" reached a check's message raw."""
    keras = pytest.importorskip("keras")
    model = keras.Sequential([keras.Input(shape=(28, 28)), keras.layers.Flatten(), keras.layers.Dense(10)])
    error, _ = raised(lambda: model.predict(np.zeros((28, 28), np.float32), verbose=0))
    words = library_words(error)
    assert words is not None and "image[np.newaxis]" in words and "\x1b" not in words


@pytest.mark.parametrize("mistake, says", [
    (lambda keras: keras.optimizers.Adam(lr=0.01), "take learning_rate=, not lr="),
    (lambda keras: keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)]).compile(
        optimizer="adam", loss="mse", metrics="accuracy"), 'metrics=["accuracy"]'),
])
def test_keras_arguments_of_the_wrong_name_or_kind_are_named(mistake, says):
    """lr= (old Keras, many tutorials) and metrics="accuracy" got the generic shape hint."""
    keras = pytest.importorskip("keras")
    error, _ = raised(lambda: mistake(keras))
    assert says in (library_words(error) or "")
