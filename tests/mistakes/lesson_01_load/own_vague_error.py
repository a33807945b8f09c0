"""Replaces the reader's message with its own, which no longer says which file is wrong."""

CAUGHT_BY = "test_a_file_that_is_not_npz_is_a_clear_error"
HINT = "let read_mnist_file's MnistFileError through unchanged"


def load_mnist(path=None):
    if path is None:
        path = os.environ.get("MNIST_PATH")
    if path is None:
        return download_mnist()
    try:
        return read_mnist_file(path)
    except ValueError:
        raise ValueError("could not read MNIST") from None
