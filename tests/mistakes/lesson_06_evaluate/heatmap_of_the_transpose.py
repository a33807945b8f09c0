"""Draws cm.T under the axis labels 'predicted digit' (x) and 'true digit' (y): every cell
shows the opposite mistake (4s read as 9s appear as 9s read as 4s)."""

CAUGHT_BY = "test_plot_confusion_is_an_annotated_heatmap"
HINT = "the matrix transposed"


def plot_confusion(cm):
    figure, ax = plt.subplots()
    sns.heatmap(np.asarray(cm).T, annot=True, fmt="d", cmap="Blues", cbar=False, ax=ax)
    ax.set_xlabel("predicted digit")
    ax.set_ylabel("true digit")
    return figure
