"""Averages every digit, even one with no images: NaN where zeros belong."""

CAUGHT_BY = "test_mean_digits"
HINT = 'the mean of no images is NaN'

def mean_digits(x, y):
    return np.stack([np.asarray(x, dtype=float)[np.asarray(y) == d].mean(axis=0) for d in range(10)])
