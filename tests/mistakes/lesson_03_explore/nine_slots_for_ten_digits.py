"""Made room for nine means (np.zeros((9, 28, 28))): digit 9 indexes past the end."""

CAUGHT_BY = "test_mean_digits"
HINT = "print the array's .shape"


def mean_digits(x, y):
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y)
    means = np.zeros((9, 28, 28))
    for digit in range(10):
        if np.any(y == digit):
            means[digit] = x[y == digit].mean(axis=0)
    return means
