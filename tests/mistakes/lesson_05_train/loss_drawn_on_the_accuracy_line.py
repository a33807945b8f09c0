"""Mixes up the metric inside the loop: the loss axes' lines are labelled 'loss' but draw the
accuracy columns, and the other way round, while the titles say Loss and Accuracy."""

CAUGHT_BY = "test_plot_history"
HINT = "loss and accuracy are drawn the wrong way round"


def plot_history(history):
    frame = history_frame(history)
    figure, (loss_ax, accuracy_ax) = plt.subplots(1, 2)
    for ax, metric, other in ((loss_ax, "loss", "accuracy"), (accuracy_ax, "accuracy", "loss")):
        ax.plot(frame.index, frame[other], label=f"training {metric}")
        ax.plot(frame.index, frame[f"val_{other}"], label=f"validation {metric}")
        ax.set_xlabel("epoch")
        ax.set_title(metric.capitalize())
        ax.legend()
    return figure
