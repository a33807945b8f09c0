"""Always downloads with Keras, whatever path it is given."""

CAUGHT_BY = "test_reads_a_local_file"
HINT = "download_mnist() is only for when there is no path"


def load_mnist(path=None):
    return download_mnist()
