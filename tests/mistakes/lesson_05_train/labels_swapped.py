"""Draws the right columns but writes the labels the other way round: the legend calls the
training curve 'validation' and the validation curve 'training', so the learner reads
overfitting where there is none (and none where there is)."""

CAUGHT_BY = "test_plot_history"
HINT = "the two labels are swapped"


def plot_history(history):
    frame = history_frame(history)
    figure, (loss_ax, accuracy_ax) = plt.subplots(1, 2)
    for ax, metric in ((loss_ax, "loss"), (accuracy_ax, "accuracy")):
        ax.plot(frame.index, frame[metric], label=f"validation {metric}")
        ax.plot(frame.index, frame[f"val_{metric}"], label=f"training {metric}")
        ax.set_xlabel("epoch")
        ax.set_ylabel(metric)
        ax.legend()
    return figure
