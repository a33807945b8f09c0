"""Draws the samples side by side in one row, plt.subplots(1, n): every image is there, but
a strip of 25 tiny digits is not the square-ish grid the docstring asks for."""

CAUGHT_BY = "test_plot_samples_grid_grows_with_n"
HINT = "a strip of small images is hard to read"


def plot_samples(x, y, n=25):
    figure, axes = plt.subplots(1, n, figsize=(n, 1.5))
    for index, ax in enumerate(np.atleast_1d(axes)):
        ax.imshow(x[index], cmap="gray")
        ax.set_title(str(int(y[index])))
        ax.axis("off")
    return figure
