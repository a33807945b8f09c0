"""Returns the ten mean images as a Python list, not one (10, 28, 28) array."""

CAUGHT_BY = "test_mean_digits"
HINT = "a list of arrays is not one array"


def mean_digits(x, y):
    means = []
    for digit in range(10):
        chosen = x[y == digit]
        means.append(chosen.mean(axis=0) if len(chosen) else np.zeros((28, 28)))
    return means
