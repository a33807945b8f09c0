"""Draws with plt.subplot(5, 5, i + 1): more than 25 images and matplotlib refuses."""

CAUGHT_BY = "test_plot_samples_grid_grows_with_n"
HINT = "plt.subplot(rows, columns, i) takes i from 1 to rows * columns"


def plot_samples(x, y, n=25):
    figure = plt.figure()
    for i in range(n):
        ax = plt.subplot(5, 5, i + 1)
        ax.imshow(x[i], cmap="gray")
        ax.set_title(str(y[i]))
        ax.axis("off")
    return figure
