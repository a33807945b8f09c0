"""Catches the steps' ValueError and returns a black square, which the model happily classifies."""

CAUGHT_BY = "test_preprocess_digit_says_when_there_is_no_digit"
HINT = "do not catch the steps' ValueError"

_mnist_faithful = preprocess_digit


def preprocess_digit(grey, stages=None):
    try:
        return _mnist_faithful(grey, stages)
    except ValueError:
        return np.zeros((28, 28), np.float32)
