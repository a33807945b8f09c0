"""Forgets ax.axis("off"): every little image gets its 0..25 tick labels."""

CAUGHT_BY = "test_plot_samples_titles_each_image_with_its_label"
HINT = "ax.axis('off')"


def plot_samples(x, y, n=25):
    columns = int(np.ceil(np.sqrt(n)))
    rows = int(np.ceil(n / columns))
    figure, axes = plt.subplots(rows, columns)
    for index, ax in enumerate(np.ravel(axes)):
        if index < n:
            ax.imshow(x[index], cmap="gray")
            ax.set_title(str(int(y[index])))
    return figure
