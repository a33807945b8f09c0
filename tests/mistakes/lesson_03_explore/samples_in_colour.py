"""Calls ax.imshow(x[i]) without cmap: matplotlib draws the digits in yellow and purple."""

CAUGHT_BY = "test_plot_samples_titles_each_image_with_its_label"
HINT = "cmap='gray'"


def plot_samples(x, y, n=25):
    columns = int(np.ceil(np.sqrt(n)))
    rows = int(np.ceil(n / columns))
    figure, axes = plt.subplots(rows, columns)
    for index, ax in enumerate(np.ravel(axes)):
        ax.axis("off")
        if index < n:
            ax.imshow(x[index])
            ax.set_title(str(int(y[index])))
    return figure
