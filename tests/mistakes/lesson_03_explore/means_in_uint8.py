"""Starts from np.zeros_like(x[:10]): uint8, so every mean is cut down to a whole number."""

CAUGHT_BY = "test_mean_digits"
HINT = "start from np.zeros((10, 28, 28)), which is float"


def mean_digits(x, y):
    means = np.zeros_like(x[:10])
    for digit in range(10):
        if np.any(y == digit):
            means[digit] = x[y == digit].mean(axis=0)
    return means
