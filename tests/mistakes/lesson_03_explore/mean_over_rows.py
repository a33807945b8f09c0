"""Averages along axis=1 (each image's rows) instead of over the images: 28 numbers broadcast."""

CAUGHT_BY = "test_mean_digits"
HINT = "average over the images axis"


def mean_digits(x, y):
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y)
    means = np.zeros((10, 28, 28))
    for digit in range(10):
        if np.any(y == digit):
            means[digit] = x[y == digit].mean(axis=1).mean(axis=0)
    return means
