"""Reads the .npz with numpy, without validating keys, shapes, dtypes or labels."""

CAUGHT_BY = "test_a_file_with_the_wrong_content_is_a_clear_error"
HINT = "give the path to read_mnist_file(path)"


def load_mnist(path=None):
    import numpy as np

    path = path or os.environ.get("MNIST_PATH")
    if path is None:
        return download_mnist()
    with np.load(path, allow_pickle=False) as archive:
        return (archive["x_train"], archive["y_train"]), (archive["x_test"], archive["y_test"])
