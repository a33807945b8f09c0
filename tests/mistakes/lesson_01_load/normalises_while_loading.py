"""Scales to float while loading: lesson 02's job, and the spec says uint8."""

CAUGHT_BY = "test_reads_a_local_file"
HINT = 'do not normalise or reshape here'

_reference_load_mnist = load_mnist


def load_mnist(path=None):
    (x_train, y_train), (x_test, y_test) = _reference_load_mnist(path)
    return (x_train / 255.0, y_train), (x_test / 255.0, y_test)
