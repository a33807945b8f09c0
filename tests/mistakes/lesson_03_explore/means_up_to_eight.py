"""Loops over range(9): digits 0..8 get their means, digit 9's stays all zeros."""

CAUGHT_BY = "test_mean_digits"
HINT = "range(9) stops at 8"


def mean_digits(x, y):
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y)
    means = np.zeros((10, 28, 28))
    for digit in range(9):
        if np.any(y == digit):
            means[digit] = x[y == digit].mean(axis=0)
    return means
