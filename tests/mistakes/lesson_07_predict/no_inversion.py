"""Keeps the photo's polarity: dark ink on light paper, the opposite of MNIST's white on black."""

CAUGHT_BY = "test_preprocess_makes_a_white_digit_on_black"
HINT = "white ink on black"

_mnist_faithful = preprocess_digit


def preprocess_digit(grey, stages=None):
    # Everything right except the last step: the learner "un-inverts" for display.
    return (1.0 - _mnist_faithful(grey, stages)).astype(np.float32)
