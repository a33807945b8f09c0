"""Never checks for ink: a blank page gives noise stretched into a 'digit' instead of an error."""

CAUGHT_BY = "test_preprocess_says_when_there_is_no_digit"
HINT = "no digit found in the image"

_mnist_faithful = preprocess_digit


def preprocess_digit(grey, stages=None):
    try:
        return _mnist_faithful(grey, stages)
    except ValueError:
        return np.zeros((28, 28), np.float32)
