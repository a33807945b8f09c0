"""Calls keras.datasets.mnist.load_data() as the guide describes, but keras is not imported."""

CAUGHT_BY = "test_downloads_with_keras_by_default"
HINT = "use the helpers imported at the top of your lesson file"


def load_mnist(path=None):
    if path is None:
        path = os.environ.get("MNIST_PATH")
    if path is None:
        return keras.datasets.mnist.load_data()
    return read_mnist_file(path)
