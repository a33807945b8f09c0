"""Plots each list of values on its own, ax.plot(values): matplotlib numbers the points
0, 1, 2..., so the first epoch sits at 0."""

CAUGHT_BY = "test_plot_history"
HINT = "numbers the points 0, 1, 2"


def plot_history(history):
    figure, (loss_ax, accuracy_ax) = plt.subplots(1, 2)
    for ax, metric in ((loss_ax, "loss"), (accuracy_ax, "accuracy")):
        ax.plot(history.history[metric], label=f"training {metric}")
        ax.plot(history.history[f"val_{metric}"], label=f"validation {metric}")
        ax.set_xlabel("epoch")
        ax.set_ylabel(metric)
        ax.legend()
    return figure
