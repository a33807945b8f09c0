"""Only looks at the path argument: with MNIST_PATH set, still downloads from Keras."""

CAUGHT_BY = "test_uses_MNIST_PATH_when_no_path_is_given"
HINT = "read os.environ.get('MNIST_PATH')"

def load_mnist(path=None):
    if path is None:
        from keras.datasets import mnist

        return mnist.load_data()
    with np.load(path) as archive:
        return (archive["x_train"], archive["y_train"]), (archive["x_test"], archive["y_test"])
