"""Unpacks the two axes the other way round: accuracy on the first, loss on the second."""

CAUGHT_BY = "test_plot_history"
HINT = "the first axes plots the loss"


def plot_history(history):
    frame = history_frame(history)
    figure, (accuracy_ax, loss_ax) = plt.subplots(1, 2)
    for ax, metric in ((loss_ax, "loss"), (accuracy_ax, "accuracy")):
        ax.plot(frame.index, frame[metric], label=f"training {metric}")
        ax.plot(frame.index, frame[f"val_{metric}"], label=f"validation {metric}")
        ax.set_xlabel("epoch")
        ax.set_ylabel(metric)
        ax.legend()
    return figure
