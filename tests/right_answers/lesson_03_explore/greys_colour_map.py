"""Draws the samples with the 'Greys' colour map (dark ink on white paper, as the digits
were written), a greyscale map like 'gray', and a grid built with plt.subplot."""


def plot_samples(x, y, n=25):
    columns = int(np.ceil(np.sqrt(n)))
    rows = int(np.ceil(n / columns))
    figure = plt.figure(figsize=(1.4 * columns, 1.6 * rows))
    for index in range(n):
        ax = plt.subplot(rows, columns, index + 1)
        ax.imshow(x[index], cmap="Greys")
        ax.set_title(str(int(y[index])))
        ax.set_xticks([])
        ax.set_yticks([])
    return figure
