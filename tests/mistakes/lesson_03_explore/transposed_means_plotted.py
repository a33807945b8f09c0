"""mean_digits returns each mean transposed; plot_mean_digits (right) draws what it returns:
the plot's check must send the learner to mean_digits, not blame the plot."""

CAUGHT_BY = "test_plot_mean_digits_shows_ten_titled_means"
HINT = "fix mean_digits first"


def mean_digits(x, y):
    means = np.zeros((10, 28, 28))
    for digit in range(10):
        if np.any(y == digit):
            means[digit] = x[y == digit].mean(axis=0).T
    return means
