"""Draws x[0] in every cell of the grid, titled with the right labels."""

CAUGHT_BY = "test_plot_samples_titles_each_image_with_its_label"
HINT = "draw image i in axes i"


def plot_samples(x, y, n=25):
    columns = int(np.ceil(np.sqrt(n)))
    rows = int(np.ceil(n / columns))
    figure, axes = plt.subplots(rows, columns)
    for i, ax in enumerate(np.ravel(axes)):
        ax.axis("off")
        if i < n:
            ax.imshow(x[0], cmap="gray")
            ax.set_title(str(y[i]))
    return figure
