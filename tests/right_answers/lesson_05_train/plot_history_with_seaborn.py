"""Draws the curves with seaborn, the course's own plotting library: sns.lineplot of the
history's frame. Seaborn draws its data lines unlabelled and puts empty stand-in lines in
`ax.lines` for the legend."""


def plot_history(history):
    import seaborn as sns

    frame = history_frame(history)
    figure, (loss_ax, accuracy_ax) = plt.subplots(1, 2, figsize=(10, 4))
    sns.lineplot(data=frame[["loss", "val_loss"]], ax=loss_ax, dashes=False)
    sns.lineplot(data=frame[["accuracy", "val_accuracy"]], ax=accuracy_ax, dashes=False)
    for ax in (loss_ax, accuracy_ax):
        ax.set_xlabel("epoch")
    return figure
