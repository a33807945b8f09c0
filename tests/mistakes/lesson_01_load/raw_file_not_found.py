"""Reads the file with numpy itself: a missing file is numpy's raw FileNotFoundError."""

CAUGHT_BY = "test_a_missing_file_is_a_clear_error"
HINT = "give the path to read_mnist_file(path)"


def load_mnist(path=None):
    import numpy as np

    path = path or os.environ.get("MNIST_PATH")
    if path is None:
        return download_mnist()
    with np.load(path) as archive:
        return (archive["x_train"], archive["y_train"]), (archive["x_test"], archive["y_test"])
