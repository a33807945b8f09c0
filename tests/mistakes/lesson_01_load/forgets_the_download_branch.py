"""Reads MNIST_PATH but forgets step 3: with neither, read_mnist_file(None) is called."""

CAUGHT_BY = "test_downloads_with_keras_by_default"
HINT = "return download_mnist() instead of reading a file"


def load_mnist(path=None):
    if path is None:
        path = os.environ.get("MNIST_PATH")
    return read_mnist_file(path)
