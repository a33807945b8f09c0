"""Keeps only the training pair: (x_train, y_train) instead of both pairs."""

CAUGHT_BY = "test_uses_MNIST_PATH_when_no_path_is_given"
HINT = "two pairs, like Keras"


def load_mnist(path=None):
    if path is None:
        path = os.environ.get("MNIST_PATH")
    if path is None:
        return download_mnist()
    train, test = read_mnist_file(path)
    return train
