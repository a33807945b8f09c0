"""Lets numpy's FileNotFoundError escape instead of saying what to do."""

CAUGHT_BY = "test_a_missing_file_is_a_clear_error"
HINT = 'path.is_file()'

def load_mnist(path=None):
    with np.load(path or os.environ["MNIST_PATH"]) as archive:
        return (archive["x_train"], archive["y_train"]), (archive["x_test"], archive["y_test"])
