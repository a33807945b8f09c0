"""Draws the heat map without annot=True: colours, no counts."""

CAUGHT_BY = "test_plot_confusion_is_an_annotated_heatmap"
HINT = "annot=True writes each count in its cell"

def plot_confusion(cm):
    figure, ax = plt.subplots()
    sns.heatmap(cm, ax=ax)
    ax.set_xlabel("predicted digit")
    ax.set_ylabel("true digit")
    return figure
