"""Reads MNIST_PATH in the default argument, path=os.environ.get("MNIST_PATH"): Python works
a default out once, when the file is imported, so the variable set afterwards is never seen."""

CAUGHT_BY = "test_uses_MNIST_PATH_when_no_path_is_given"
HINT = "is read once, when the file is imported"


def load_mnist(path=os.environ.get("MNIST_PATH")):
    if path is None:
        return download_mnist()
    return read_mnist_file(path)
