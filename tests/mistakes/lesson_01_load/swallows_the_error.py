"""Catches the reader's error and prints it: the caller gets None and no error at all."""

CAUGHT_BY = "test_a_missing_file_is_a_clear_error"
HINT = "no try/except around it"


def load_mnist(path=None):
    if path is None:
        path = os.environ.get("MNIST_PATH")
    if path is None:
        return download_mnist()
    try:
        return read_mnist_file(path)
    except ValueError as error:
        print("could not load MNIST:", error)
