"""Draws each image transposed, x[i].T: every digit lies on its side."""

CAUGHT_BY = "test_plot_samples_titles_each_image_with_its_label"
HINT = ".T (or np.transpose) swaps rows and columns"


def plot_samples(x, y, n=25):
    columns = int(np.ceil(np.sqrt(n)))
    rows = int(np.ceil(n / columns))
    figure, axes = plt.subplots(rows, columns)
    for i, ax in enumerate(np.ravel(axes)):
        ax.axis("off")
        if i < n:
            ax.imshow(x[i].T, cmap="gray")
            ax.set_title(str(y[i]))
    return figure
