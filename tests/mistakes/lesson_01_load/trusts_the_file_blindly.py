"""Reads the .npz without validating keys, shapes, dtypes or labels."""

CAUGHT_BY = "test_a_file_with_the_wrong_content_is_a_clear_error"
HINT = 'validate what you read'

def load_mnist(path=None):
    path = path or os.environ.get("MNIST_PATH")
    if not Path(path).is_file():
        raise MnistFileError(f"MNIST file not found: {path}")
    with np.load(path) as archive:
        return (archive["x_train"], archive["y_train"]), (archive["x_test"], archive["y_test"])
