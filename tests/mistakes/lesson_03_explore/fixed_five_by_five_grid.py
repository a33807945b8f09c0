"""Always makes a 5x5 grid (the default n=25), so n=36 shows only 25 images."""

CAUGHT_BY = "test_plot_samples_grid_grows_with_n"
HINT = "instead of a fixed plt.subplots(5, 5)"


def plot_samples(x, y, n=25):
    figure, axes = plt.subplots(5, 5)
    for index, ax in enumerate(axes.flat):
        ax.axis("off")
        if index < n:
            ax.imshow(x[index], cmap="gray")
            ax.set_title(str(int(y[index])))
    return figure
