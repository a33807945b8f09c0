"""Scales to float while loading; the MNIST_PATH check must blame the scaling too, not the
way MNIST_PATH is read (which is right)."""

CAUGHT_BY = "test_uses_MNIST_PATH_when_no_path_is_given"
HINT = "the file's x_train, changed"

_reference_load_mnist = load_mnist


def load_mnist(path=None):
    (x_train, y_train), (x_test, y_test) = _reference_load_mnist(path)
    return (x_train / 255.0, y_train), (x_test / 255.0, y_test)
