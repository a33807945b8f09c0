"""Writes the four lines out one by one and, copying the training line, forgets the val_ in one
column name: the line labelled 'validation accuracy' draws frame["accuracy"] again, so the two
accuracy curves lie on top of each other and the plot hides any overfitting."""

CAUGHT_BY = "test_plot_history"
HINT = "the line labelled 'validation accuracy' (second axes) to show val_accuracy"


def plot_history(history):
    frame = history_frame(history)
    figure, (loss_ax, accuracy_ax) = plt.subplots(1, 2)
    loss_ax.plot(frame.index, frame["loss"], label="training loss")
    loss_ax.plot(frame.index, frame["val_loss"], label="validation loss")
    accuracy_ax.plot(frame.index, frame["accuracy"], label="training accuracy")
    accuracy_ax.plot(frame.index, frame["accuracy"], label="validation accuracy")
    for ax in (loss_ax, accuracy_ax):
        ax.set_xlabel("epoch")
        ax.legend()
    return figure
