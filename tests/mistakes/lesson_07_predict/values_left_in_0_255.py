"""Returns the 28x28 digit in 0..255, while the model was trained on 0..1 (lesson 02)."""

CAUGHT_BY = "test_preprocess_gives_28x28_floats_in_unit_range"
HINT = "divide by 255"

_mnist_faithful = preprocess_digit


def preprocess_digit(grey, stages=None):
    return (_mnist_faithful(grey, stages) * 255).astype(np.float32)
