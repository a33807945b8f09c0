"""Returns (x_train, x_test), (y_train, y_test): the right arrays, nested the wrong way."""

CAUGHT_BY = "test_reads_a_local_file"
HINT = "that is x_test's shape"

_reference_load_mnist = load_mnist


def load_mnist(path=None):
    (x_train, y_train), (x_test, y_test) = _reference_load_mnist(path)
    return (x_train, x_test), (y_train, y_test)
