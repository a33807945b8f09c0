"""Reads the variable with os.environ["MNIST_PATH"]: a KeyError when it is not set."""

CAUGHT_BY = "test_downloads_with_keras_by_default"
HINT = "os.environ.get('MNIST_PATH') gives None"


def load_mnist(path=None):
    if path is None:
        path = os.environ["MNIST_PATH"]
    if path is None:
        return download_mnist()
    return read_mnist_file(path)
