"""Writes os.environ.get(MNIST_PATH), without the quotes: a NameError."""

CAUGHT_BY = "test_downloads_with_keras_by_default"
HINT = "with the quotes"


def load_mnist(path=None):
    if path is None:
        path = os.environ.get(MNIST_PATH)
    if path is None:
        return download_mnist()
    return read_mnist_file(path)
