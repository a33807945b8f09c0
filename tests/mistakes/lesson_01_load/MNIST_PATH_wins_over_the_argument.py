"""Checks the environment first: a path argument is ignored whenever MNIST_PATH is set."""

CAUGHT_BY = "test_the_path_argument_wins_over_MNIST_PATH"
HINT = "only fall back to MNIST_PATH when path is None"


def load_mnist(path=None):
    path = os.environ.get("MNIST_PATH") or path
    if path is None:
        return download_mnist()
    return read_mnist_file(path)
