"""Plots loss and accuracy but forgets their val_ partners: nothing shows overfitting."""

CAUGHT_BY = "test_plot_history"
HINT = "each with a training and a validation line"


def plot_history(history):
    frame = history_frame(history)
    figure, (loss_ax, accuracy_ax) = plt.subplots(1, 2)
    for ax, metric in ((loss_ax, "loss"), (accuracy_ax, "accuracy")):
        ax.plot(frame.index, frame[metric], label=metric)
        ax.set_xlabel("epoch")
        ax.legend()
    return figure
