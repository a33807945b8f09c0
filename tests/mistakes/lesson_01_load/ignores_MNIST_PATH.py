"""Only looks at the path argument: with MNIST_PATH set, still downloads from Keras."""

CAUGHT_BY = "test_uses_MNIST_PATH_when_no_path_is_given"
HINT = "path = os.environ.get('MNIST_PATH')"


def load_mnist(path=None):
    if path is None:
        return download_mnist()
    return read_mnist_file(path)
