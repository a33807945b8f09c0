"""Adds the images up in a total of x's own dtype, uint8: every sum wraps around past 255."""

CAUGHT_BY = "test_mean_digits"
HINT = "adding uint8 images wraps around past 255"


def mean_digits(x, y):
    means = np.zeros((10, 28, 28))
    for digit in range(10):
        chosen = x[y == digit]
        if len(chosen):
            total = np.zeros((28, 28), dtype=x.dtype)
            for image in chosen:
                total += image
            means[digit] = total / len(chosen)
    return means
