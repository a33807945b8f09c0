"""Indexes the 2-D grid of axes with one number, axes[i]: a row of axes has no imshow."""

CAUGHT_BY = "test_plot_samples_titles_each_image_with_its_label"
HINT = "gives a 2-D array of axes: loop over np.ravel(axes)"


def plot_samples(x, y, n=25):
    columns = int(np.ceil(np.sqrt(n)))
    rows = int(np.ceil(n / columns))
    figure, axes = plt.subplots(rows, columns)
    for i in range(n):
        axes[i].imshow(x[i], cmap="gray")
        axes[i].set_title(str(y[i]))
    return figure
